// Sweeps: parsing of --vary and --shard, grid order, shards that partition
// the grid, results that do not depend on the thread count or on the sizing
// cache, and the one-step fast path of the fleet solver against brute force.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <random>
#include <string>
#include <vector>

#include "search/break_even.h"
#include "search/fleet.h"
#include "search/plan.h"
#include "search/sweep.h"
#include "search/tornado.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "workload/loader.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

const specs::Catalog& catalog() {
  static const specs::Catalog loaded = [] {
    util::RealFileSystem fs;
    util::Diagnostics diagnostics;
    auto c = specs::load_catalog(fs, {kRoot + "/hw_specs"}, diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
    return c;
  }();
  return loaded;
}

search::PlanRequest request_for(const std::string& example, std::vector<std::string> chips,
                                 std::vector<std::string> sites) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  auto w = workload::load_workload(fs, kRoot + "/examples/" + example, diagnostics);
  REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
  search::PlanRequest r;
  r.workloads = {*w};
  r.chips = std::move(chips);
  r.sites = std::move(sites);
  return r;
}

search::SweepAxis axis(const std::string& text) {
  search::SweepAxis a;
  const auto problem = search::parse_axis(text, a);
  REQUIRE_MESSAGE(problem.empty(), problem);
  return a;
}

std::string axis_problem(const std::string& text) {
  search::SweepAxis a;
  return search::parse_axis(text, a);
}

}  // namespace

TEST_SUITE("search::sweep") {
  TEST_CASE("--vary KEY=LO..HI:N gives N evenly spaced values from LO to HI") {
    const auto a = axis("electricity=0.03..0.2:4");
    CHECK(a.key == search::SweepKey::electricity);
    CHECK(a.points == 4);
    CHECK(a.value(0) == doctest::Approx(0.03));
    CHECK(a.value(1) == doctest::Approx(0.03 + 0.17 / 3));
    CHECK(a.value(3) == doctest::Approx(0.2));
    const auto one = axis("deadline=45");
    CHECK(one.points == 1);
    CHECK(one.value(0) == 45);
    const auto price = axis("price:h200-sxm=10000..40000:7");
    CHECK(price.key == search::SweepKey::price_of);
    CHECK(price.chip == "h200-sxm");
  }

  TEST_CASE("bad --vary values are refused with what was expected") {
    CHECK(axis_problem("electricty=0.03..0.2:4").find("unknown key \"electricty\" (did you mean \"electricity\"?); known: electricity,") == 0);
    CHECK(axis_problem("electricity=0.2..0.03:4") ==
          "electricity: the range 0.2..0.03 is empty (LO must not exceed HI)");
    CHECK(axis_problem("electricity=0.03..0.2:0") == "electricity: N must be a whole number from 1 to 1000000, got \"0\"");
    CHECK(axis_problem("electricity=0.03..0.2:2.5") ==
          "electricity: N must be a whole number from 1 to 1000000, got \"2.5\"");
    CHECK(axis_problem("electricity=0.03..0.2") == "electricity: expected LO..HI:N (N points), got \"0.03..0.2\"");
    CHECK(axis_problem("electricity=cheap") == "electricity: expected numbers in LO..HI:N, got \"cheap\"");
    CHECK(axis_problem("electricity=-1..1:3") == "electricity: values must lie from 0 to 10 USD/kWh, got -1..1");
    CHECK(axis_problem("deadline=30..30:3") == "deadline: 3 points over the empty range 30..30");
    CHECK(axis_problem("electricity") == "\"electricity\": expected KEY=LO..HI:N, e.g. electricity=0.03..0.20:8");
  }

  TEST_CASE("--shard K/N: K from 1 to N") {
    search::Shard s;
    CHECK(search::parse_shard("3/8", s).empty());
    CHECK(s.index == 3);
    CHECK(s.count == 8);
    CHECK(search::parse_shard("0/8", s) == "\"0/8\": K must lie from 1 to N=8");
    CHECK(search::parse_shard("9/8", s) == "\"9/8\": K must lie from 1 to N=8");
    CHECK(search::parse_shard("x", s) == "\"x\": expected K/N with whole numbers, e.g. 3/8");
  }

  TEST_CASE("the grid is row-major and shards partition it in order") {
    const std::vector<search::SweepAxis> axes = {axis("electricity=0.1..0.3:3"), axis("deadline=30..60:2")};
    CHECK(search::grid_size(axes) == 6);
    CHECK(search::grid_point(axes, 0) == std::vector<double>{0.1, 30});
    CHECK(search::grid_point(axes, 1) == std::vector<double>{0.1, 60});
    CHECK(search::grid_point(axes, 5)[0] == doctest::Approx(0.3));
    for (long long total : {0LL, 1LL, 6LL, 7LL, 1000LL}) {
      for (long long n : {1LL, 2LL, 3LL, 7LL}) {
        long long expected_first = 0;
        for (long long k = 1; k <= n; ++k) {
          const auto [first, last] = search::shard_range(total, {k, n});
          CHECK(first == expected_first);
          CHECK(last >= first);
          expected_first = last;
        }
        CHECK(expected_first == total);
      }
    }
  }

  TEST_CASE("a sweep's rows do not depend on the thread count and match plans made one by one") {
    const auto r = request_for("llama3-70b-pretrain.json", {"hgx-h100-8", "mi300x-8"}, {"us-va", "us-tx"});
    const std::vector<search::SweepAxis> axes = {axis("electricity=0.02..0.3:3"), axis("deadline=40..120:2")};
    search::SweepOptions one, two;
    one.threads = 1;
    two.threads = 2;
    const auto a = search::run_sweep(catalog(), r, axes, 0, 6, one);
    const auto b = search::run_sweep(catalog(), r, axes, 0, 6, two);
    REQUIRE(a.size() == 6);
    REQUIRE(b.size() == 6);
    for (std::size_t i = 0; i < a.size(); ++i) {
      CAPTURE(i);
      REQUIRE(a[i].feasible);
      CHECK(a[i].index == static_cast<long long>(i));
      CHECK(a[i].choices.size() == 1);
      CHECK(a[i].choices[0].chip == b[i].choices[0].chip);
      CHECK(a[i].total_tco_usd == b[i].total_tco_usd);
      // The same point planned directly, without the sweep or its cache.
      search::VariedPlan varied;
      REQUIRE(search::vary(catalog(), r, axes, a[i].values, varied).empty());
      std::vector<std::string> problems;
      const auto direct = search::make_plan(varied.catalog, varied.request, problems);
      REQUIRE(problems.empty());
      CHECK(direct.total_tco_usd == doctest::Approx(a[i].total_tco_usd).epsilon(1e-12));
      CHECK(direct.candidates[direct.chosen.at(0).candidate].site == a[i].choices[0].site);
    }
    // Dearer power never makes the cheapest plan (by its objective, the job's cost) cheaper; a
    // later deadline needs no more chips.
    CHECK(a[2].total_job_cost_usd >= a[0].total_job_cost_usd);
    CHECK(a[4].total_job_cost_usd >= a[2].total_job_cost_usd);
    CHECK(a[1].choices[0].count <= a[0].choices[0].count);
  }

  TEST_CASE("keys that do not apply to the request are refused before planning") {
    const auto r = request_for("llama3-70b-pretrain.json", {"hgx-h100-8"}, {"us-va"});
    CHECK(search::check_axes(catalog(), r, {axis("demand=1000..2000:2")}) == "demand: no serving workload to vary");
    CHECK(search::check_axes(catalog(), r, {axis("cap=1000..2000:2")}) ==
          "cap: the plan has no policy scenario (--policy)");
    CHECK(search::check_axes(catalog(), r, {axis("price:h100=1..2:2")}).find("price:h100: no accelerator \"h100\"") == 0);
    CHECK(search::check_axes(catalog(), r, {axis("pue=1.1..1.3:2"), axis("pue=1.1..1.2:2")}) == "pue is varied twice");
    CHECK(search::check_axes(catalog(), r, {axis("price:h100-sxm=20000..30000:3")}).empty());
  }

  TEST_CASE("a chip's price moves only that chip's cost") {
    const auto r = request_for("llama3-70b-pretrain.json", {"hgx-h100-8"}, {"us-va"});
    search::SweepOptions o;
    const auto rows = search::run_sweep(catalog(), r, {axis("price:h100-sxm=10000..30000:3")}, 0, 3, o);
    REQUIRE(rows.size() == 3);
    REQUIRE(rows[0].feasible);
    const auto count = static_cast<double>(rows[0].choices[0].count);
    // capex rises by exactly the chips' price difference.
    CHECK(rows[1].total_capex_usd - rows[0].total_capex_usd == doctest::Approx(10000 * count));
    CHECK(rows[2].total_capex_usd - rows[1].total_capex_usd == doctest::Approx(10000 * count));
  }
}

TEST_SUITE("search::fleet") {
  TEST_CASE("one-step problems solved without the MILP match brute force") {
    std::mt19937 rng(20261201);
    std::uniform_real_distribution<double> cost(1, 100), load(0, 10);
    for (int trial = 0; trial < 300; ++trial) {
      search::FleetProblem p;
      const int workloads = 1 + trial % 3;
      for (int w = 0; w < workloads; ++w) p.demand.push_back(1);
      const int options = 2 + trial % 5;
      for (int i = 0; i < options; ++i) p.options.push_back({i % workloads, 1.0, cost(rng), 1, "o"});
      for (int c = 0; c < 2; ++c) {
        search::FleetConstraint k{"c", "c", load(rng) + 2, {}, "MW", search::LimitKind::site_power};
        for (int i = 0; i < options; ++i) k.terms.push_back({i, load(rng)});
        p.constraints.push_back(k);
      }
      const auto fast = search::solve_fleet(p);
      const auto exact = search::brute_force_fleet(p);
      CAPTURE(trial);
      REQUIRE(fast.feasible == exact.feasible);
      if (exact.feasible) CHECK(fast.objective == doctest::Approx(exact.objective).epsilon(1e-4));
    }
  }
}

TEST_SUITE("search::break_even") {
  TEST_CASE("at a break-even the two options cost the same, and the runner-up wins on the side it names") {
    auto r = request_for("deepseek-r1-serving.json", {"hgx-h200-8", "atlas-800-910c-8"}, {"cn-gansu"});
    r.buyer.country = "CN";
    std::vector<std::string> problems;
    const auto plan = search::make_plan(catalog(), r, problems);
    REQUIRE(problems.empty());
    REQUIRE(plan.feasible);
    const auto points = search::break_evens(catalog(), r, plan);
    REQUIRE(!points.empty());
    for (const auto& b : points) {
      CAPTURE(search::describe(b));
      CHECK(b.value != b.current);
      CHECK(b.runner_up_wins_above == (b.value > b.current));
      CHECK(b.margin > 0);
      // Re-price both options with the input a hair beyond the break-even.
      const double step = std::max(1e-9, std::fabs(b.value) * 1e-4);
      for (const double x : {b.value - step, b.value + step}) {
        search::VariedPlan varied;
        search::SweepAxis a;
        REQUIRE(search::parse_axis(b.input + "=0", a).empty());
        REQUIRE(search::vary(catalog(), r, {a}, {x}, varied).empty());
        const auto p = search::make_plan(varied.catalog, varied.request, problems);
        double chosen = 0, runner_up = 0;
        for (const auto& c : p.candidates) {
          const auto label = fmt::format("{} at {}", c.system.empty() ? c.chip : c.system, c.site);
          if (label == b.chosen) chosen = c.objective;
          if (label == b.runner_up) runner_up = c.objective;
        }
        REQUIRE(chosen > 0);
        REQUIRE(runner_up > 0);
        const bool runner_up_cheaper = runner_up < chosen;
        CHECK(runner_up_cheaper == ((x > b.value) == b.runner_up_wins_above));
      }
    }
  }
}

TEST_SUITE("search::tornado") {
  TEST_CASE("each bar is the plan re-made at the two ends of one input, widest swing first") {
    auto r = request_for("deepseek-r1-serving.json", {"hgx-h200-8", "atlas-800-910c-8"}, {"cn-gansu"});
    r.buyer.country = "CN";
    std::vector<std::string> problems;
    const auto plan = search::make_plan(catalog(), r, problems);
    REQUIRE(plan.feasible);
    const auto bars = search::tornado(catalog(), r, plan, 2);
    REQUIRE(bars.size() >= 4);
    for (std::size_t i = 1; i < bars.size(); ++i) CHECK(bars[i - 1].swing_usd() >= bars[i].swing_usd());
    bool saw_price = false;
    for (const auto& b : bars) {
      CAPTURE(b.input.label);
      CHECK(b.input.low < b.input.high);
      CHECK(!b.input.basis.empty());
      // The low end, planned directly.
      search::VariedPlan varied;
      REQUIRE(search::vary(catalog(), r, {b.input.axis}, {b.input.low}, varied).empty());
      const auto low = search::make_plan(varied.catalog, varied.request, problems);
      CHECK(low.total_tco_usd == doctest::Approx(b.tco_low_usd).epsilon(1e-9));
      if (b.input.axis.key == search::SweepKey::price_of && b.chosen_low == b.chosen_high) {
        saw_price = true;
        CHECK(b.tco_low_usd < b.tco_high_usd);  // a dearer chip never makes the same plan cheaper
      }
    }
    CHECK(saw_price);
  }
}
