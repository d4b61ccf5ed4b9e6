// Sizing to the chip (issue 10, items 4-5): the fewest whole systems that
// meet a deadline, checked against a fine scan of counts on the bundled
// examples; a chip budget used almost whole; serving replicas packed into
// systems; and the fastest layout reported when a deadline is out of reach.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "perf/hardware.h"
#include "perf/training.h"
#include "search/layout_search.h"
#include "search/plan.h"
#include "search/sizing.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "workload/loader.h"
#include "plan_fixture.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

const specs::Catalog& catalog() { return fixture::bundled_catalog(); }

workload::Workload example(const std::string& name) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  auto w = workload::load_workload(fs, kRoot + "/examples/" + name, diagnostics);
  REQUIRE_MESSAGE(w, diagnostics.str());
  return *w;
}

struct OnChip {
  search::ChipChoice choice;
  perf::Hardware hw;
};

OnChip on_chip(const std::string& id, const workload::Workload& w) {
  const auto choice = search::choose_chip(catalog(), id);
  REQUIRE(choice);
  perf::HardwareProblem problem;
  const auto hw = perf::make_hardware(catalog(), id, search::precision_on(*choice->chip, w), problem);
  REQUIRE_MESSAGE(hw, problem.message);
  return {*choice, *hw};
}

// The fastest layout, in days, on at most `chips` chips; +inf when none fits.
double fewest_days(const perf::TrainingModel& model, const perf::Hardware& hw, long long chips) {
  const auto s = search::search_training(model, hw, chips, {}, 1, std::numeric_limits<double>::infinity(),
                                         search::Rank::days);
  return s.best.empty() ? std::numeric_limits<double>::infinity() : s.best.front().estimate.days;
}

}  // namespace

TEST_SUITE("search::sizing") {
  TEST_CASE("the plan's count is the fewest whole systems a fine scan of counts finds, within 3%") {
    // Every bundled training example on an 8-GPU node and on a 72-GPU rack:
    // the count sized, every count 0.3% apart below it down to 3% under it,
    // and the whole system just below, each searched on its own.
    const std::vector<std::string> examples = {"llama3-8b-pretrain.json",      "llama3-70b-pretrain.json",
                                               "llama3-405b-pretrain.json",    "deepseek-v3-pretrain.json",
                                               "cn-lab-671b-moe-pretrain.json", "tier2-405b-sprint.json",
                                               "us-frontier-4t-pretrain.json"};
    int sized = 0;
    for (const auto& name : examples)
      for (const std::string id : {"hgx-h100-8", "gb200-nvl72"}) {
        CAPTURE(name);
        CAPTURE(id);
        const auto w = example(name);
        const auto [choice, hw] = on_chip(id, w);
        const auto model = perf::make_training_model(w);
        const double deadline = w.training.deadline_days.value_or(search::kDefaultDeadlineDays);
        const auto sizing = search::size_training(model, hw, choice.step, deadline);
        if (!sizing.feasible) {
          CHECK(sizing.best_days_at_max > deadline);  // out of reach on ten million chips
          continue;
        }
        ++sized;
        const long long count = sizing.count;
        CHECK(count % choice.step == 0);
        CHECK(sizing.days <= deadline);
        CHECK(sizing.best.layout.chips() <= count);
        CHECK(sizing.idle_chips == count - sizing.best.layout.chips());
        CHECK(sizing.idle_chips < choice.step);  // whole systems, never a spare one
        CHECK(fewest_days(model, hw, count) <= deadline);
        std::vector<long long> below = {count - choice.step};
        for (double f = 0.997; f >= 1 / 1.03; f -= 0.003)
          below.push_back(static_cast<long long>(static_cast<double>(count) * f) / choice.step * choice.step);
        for (const long long n : below) {
          CAPTURE(n);
          if (n >= choice.step) CHECK(fewest_days(model, hw, n) > deadline);
        }
      }
    CHECK(sized >= 12);
  }

  TEST_CASE("a large chip budget is used to at least 97%") {
    // Llama 3 405B on 100,000 H100 used 81,920 when layouts had to divide the
    // batch and the layers exactly. From about 10,000 chips the data-parallel
    // degrees (at most 1% apart) fill any count.
    const auto w = example("llama3-405b-pretrain.json");
    const auto [choice, hw] = on_chip("hgx-h100-8", w);
    const auto model = perf::make_training_model(w);
    for (const long long n : {10'000LL, 25'000LL, 100'000LL}) {
      CAPTURE(n);
      const auto s = search::search_training(model, hw, n, {}, 1);
      REQUIRE(!s.best.empty());
      CHECK(static_cast<double>(s.best.front().layout.chips()) >= 0.97 * static_cast<double>(n));
    }
    const auto moe = perf::make_training_model(example("deepseek-v3-pretrain.json"));
    const auto h800 = on_chip("hgx-h800-8", example("deepseek-v3-pretrain.json"));
    for (const long long n : {2'048LL, 3'000LL}) {
      CAPTURE(n);
      const auto s = search::search_training(moe, h800.hw, n, {}, 1);
      REQUIRE(!s.best.empty());
      CHECK(static_cast<double>(s.best.front().layout.chips()) >= 0.97 * static_cast<double>(n));
    }
  }

  TEST_CASE("a small chip budget is left partly idle where filling it is slower") {
    // At 1,000 H100 the 405B model's state needs tp x pp >= 56 with ZeRO-1,
    // and no such shape times cp x dp lands within 3% below the count; the
    // layouts that fill it shard the state with ZeRO-3, which gathers the
    // weights every micro-batch and is slower. The fastest layout then leaves
    // chips idle: 896 of 1,000 (2,880 of 3,000).
    const auto w = example("llama3-405b-pretrain.json");
    const auto [choice, hw] = on_chip("hgx-h100-8", w);
    const auto model = perf::make_training_model(w);
    perf::TrainingPins zero3;
    zero3.zero = 3;
    const auto s = search::search_training(model, hw, 1'000, {}, 1);
    const auto filled = search::search_training(model, hw, 1'000, zero3, 1);
    REQUIRE(!s.best.empty());
    REQUIRE(!filled.best.empty());
    CHECK(s.best.front().layout.chips() >= 880);
    CHECK(filled.best.front().layout.chips() >= 970);
    CHECK(filled.best.front().estimate.tokens_per_s < s.best.front().estimate.tokens_per_s);
    CHECK(search::search_training(model, hw, 3'000, {}, 1).best.front().layout.chips() >= 2'850);
  }

  TEST_CASE("a deadline out of reach names the fastest layout found, its count and its days") {
    // A 4T dense model in 200 days on H100: out of reach, and the message
    // gives the fewest days any layout reaches within ten million chips,
    // which is fewer than the largest layout takes (goodput falls with size).
    const auto w = example("us-frontier-4t-pretrain.json");
    const auto [choice, hw] = on_chip("hgx-h100-8", w);
    const auto model = perf::make_training_model(w);
    const auto sizing = search::size_training(model, hw, choice.step, 200);
    REQUIRE(!sizing.feasible);
    CHECK(sizing.best_days_at_max > 200);
    CHECK(sizing.fastest_count % choice.step == 0);
    CHECK(sizing.fastest_count < search::kMaxPlanChips / 2);
    // The model gives that time on that count.
    CHECK(fewest_days(model, hw, sizing.fastest_count) == doctest::Approx(sizing.best_days_at_max));
    const auto largest = search::search_training(model, hw, search::kMaxPlanChips, {}, 1);
    REQUIRE(!largest.best.empty());
    CHECK(largest.best.front().estimate.days > sizing.best_days_at_max);
    CHECK(sizing.why_not.find(fmt::format("{:.1f} days", sizing.best_days_at_max)) != std::string::npos);
  }

  TEST_CASE("serving replicas pack into whole systems") {
    // 256-chip replicas leave a third of a 384-chip supernode idle; 128-chip ones fill it three times.
    CHECK(search::pack_replicas(256, 384).idle_chips() == 128);
    CHECK(search::pack_replicas(128, 384).replicas == 3);
    CHECK(search::pack_replicas(128, 384).idle_chips() == 0);
    CHECK(search::pack_replicas(8, 72).replicas == 9);
    CHECK(search::pack_replicas(16, 72).idle_chips() == 8);
    // Wider than a system: whole systems, the rest idle.
    CHECK(search::pack_replicas(100, 72).unit_chips == 144);
    CHECK(search::pack_replicas(100, 72).idle_chips() == 44);
  }
}
