// Properties that must hold for every input, checked on generated ones. A
// seeded std::mt19937 draws model shapes within the workload file's bounds
// (workload/bounds.h), training and serving jobs, sites and fleet problems;
// the chips are the bundled catalog's. Each draw is printed when a check
// fails (CAPTURE), so a failure can be turned into a hand-written case.
// Searches stay small (at most 8,192 chips, or pinned keys at 10^7) so that
// the suite runs in seconds in the sanitizer build.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "cost/cost.h"
#include "perf/hardware.h"
#include "perf/inference.h"
#include "perf/training.h"
#include "policy/loader.h"
#include "report/estimate_report.h"
#include "report/plan_report.h"
#include "report/specs_report.h"
#include "search/fleet.h"
#include "search/layout_search.h"
#include "search/plan.h"
#include "search/sizing.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "util/json_reader.h"
#include "workload/bounds.h"

using namespace planner;
using util::Json;

namespace {

const std::string kDataDir = std::string(CLUSTERPLAN_SOURCE_DIR) + "/hw_specs";

// Reads the bundled data with `load` (load_catalog, load_policies); a problem
// in it fails the test that asked first.
template <class Data>
Data load_bundled(Data (*load)(const util::FileSystem&, const std::vector<std::string>&, util::Diagnostics&)) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  auto data = load(fs, {kDataDir}, diagnostics);
  REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
  return data;
}

const specs::Catalog& bundled() {
  static const specs::Catalog loaded = load_bundled(specs::load_catalog);
  return loaded;
}

const policy::PolicySet& bundled_policies() {
  static const policy::PolicySet loaded = load_bundled(policy::load_policies);
  return loaded;
}

// Draws from one seeded generator; the same seed gives the same draws.
class Draw {
 public:
  explicit Draw(unsigned seed) : rng_(seed) {}
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  // Uniform in log space: as likely to land in [1, 10] as in [1e6, 1e7].
  double log_real(double lo, double hi) { return std::exp(real(std::log(lo), std::log(hi))); }
  bool chance(double p) { return real(0, 1) < p; }
  template <typename T>
  T pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(integer(0, static_cast<int>(items.size()) - 1))];
  }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

int round_to(double value, int step) { return std::max(step, static_cast<int>(std::lround(value / step)) * step); }

// A model shape the workload loader accepts: hidden a multiple of heads,
// kv_heads a divisor of heads (= heads for MHA and MLA), dense_layers below
// layers, top_k at most experts. Sizes run from ~100M to ~200B parameters.
workload::ModelShape draw_shape(Draw& d, bool allow_moe) {
  workload::ModelShape m;
  m.heads = d.pick<int>({8, 12, 16, 20, 32, 40, 64, 96, 128});
  m.hidden = m.heads * d.pick<int>({64, 80, 128});
  std::vector<int> kv_divisors;
  for (int k = 1; k <= m.heads; ++k)
    if (m.heads % k == 0) kv_divisors.push_back(k);
  m.kv_heads = d.pick(kv_divisors);
  m.attention = m.kv_heads == m.heads ? workload::Attention::mha : workload::Attention::gqa;
  m.layers = d.integer(2, 64);
  m.ffn_hidden = round_to(m.hidden * d.real(2.5, 4.0), 64);
  m.vocab = d.integer(1000, 256000);
  m.ffn_type = d.chance(0.8) ? workload::FfnType::swiglu : workload::FfnType::gelu;
  m.tied_embeddings = d.chance(0.2);
  if (allow_moe && d.chance(0.3)) {
    workload::MoeShape moe;
    moe.experts = d.pick<int>({8, 16, 32, 64});
    moe.top_k = d.integer(1, std::min(8, moe.experts));
    moe.shared_experts = d.integer(0, 2);
    moe.expert_ffn_hidden = round_to(m.hidden * d.real(0.25, 1.0), 64);
    moe.dense_layers = d.integer(0, std::min(3, m.layers - 1));
    m.moe = moe;
  }
  if (d.chance(0.15)) {
    m.attention = workload::Attention::mla;
    m.kv_heads = m.heads;
    m.mla = workload::MlaShape{512, d.chance(0.5) ? 1536 : 0, 64, 128};
  }
  return m;
}

std::string describe(const workload::ModelShape& m) {
  std::string out =
      fmt::format("layers={} hidden={} ffn={} heads={} kv_heads={} vocab={} attention={} ffn_type={}{}", m.layers,
                  m.hidden, m.ffn_hidden, m.heads, m.kv_heads, m.vocab, workload::to_string(m.attention),
                  workload::to_string(m.ffn_type), m.tied_embeddings ? " tied" : "");
  if (m.moe)
    out += fmt::format(" moe={{experts={} top_k={} shared={} ffn={} dense_layers={}}}", m.moe->experts, m.moe->top_k,
                       m.moe->shared_experts, m.moe->expert_ffn_hidden, m.moe->dense_layers);
  if (m.mla) out += fmt::format(" mla={{q_lora_rank={}}}", m.mla->q_lora_rank);
  return out;
}

std::string describe(const workload::Workload& w) {
  if (w.kind == workload::Kind::training)
    return fmt::format("training {} seq_len={} batch_tokens={} tokens={} {}", specs::to_string(w.precision),
                       w.training.seq_len, w.training.global_batch_tokens, w.training.tokens, describe(w.model));
  return fmt::format("serving {} in={} out={} demand={} ttft={} tpot={} tokens_per_step={} {}",
                     specs::to_string(w.precision), w.inference.input_tokens, w.inference.output_tokens,
                     w.demanded_output_tokens_per_s(), w.inference.ttft_ms.value_or(0), w.inference.tpot_ms.value_or(0),
                     w.inference.tokens_per_step, describe(w.model));
}

// A pre-training job: whole sequences per step, at least one step of tokens.
workload::Workload draw_training(Draw& d, bool allow_moe = true) {
  workload::Workload w;
  w.name = "generated-training";
  w.kind = workload::Kind::training;
  w.model = draw_shape(d, allow_moe);
  w.precision = d.chance(0.2) ? specs::Precision::fp8 : specs::Precision::bf16;
  w.training.seq_len = d.pick<int>({512, 1024, 2048, 3000, 4096, 8192});
  const int sequences = d.pick<int>({16, 48, 64, 96, 128, 256, 512, 1000, 1024, 2048});
  w.training.global_batch_tokens = static_cast<double>(w.training.seq_len) * sequences;
  w.training.tokens = std::max(w.training.global_batch_tokens, std::floor(d.log_real(1e10, 3e13)));
  w.training.flash_attention = d.chance(0.9);
  if (d.chance(0.5)) w.training.deadline_days = d.real(20, 400);
  return w;
}

workload::Workload draw_serving(Draw& d) {
  workload::Workload w;
  w.name = "generated-serving";
  w.kind = workload::Kind::inference;
  w.model = draw_shape(d, true);
  w.precision = d.chance(0.5) ? specs::Precision::fp8 : specs::Precision::bf16;
  w.inference.input_tokens = d.integer(64, 8192);
  w.inference.output_tokens = d.integer(16, 2048);
  if (d.chance(0.5))
    w.inference.output_tokens_per_s = d.log_real(1e3, 1e7);
  else
    w.inference.requests_per_s = d.log_real(1, 1e4);
  if (d.chance(0.5)) w.inference.ttft_ms = d.real(200, 5000);
  if (d.chance(0.5)) w.inference.tpot_ms = d.real(15, 200);
  w.inference.tokens_per_step = d.chance(0.2) ? 1.8 : 1.0;
  return w;
}

// Every accelerator and system id of the bundled catalog.
std::vector<std::string> chip_ids() {
  auto ids = bundled().accelerator_ids();
  for (const auto& s : bundled().system_ids()) ids.push_back(s);
  return ids;
}

// The model's view of `id` for `w`, at the precision the planner would run it at.
std::optional<perf::Hardware> hardware_for(const std::string& id, const workload::Workload& w) {
  const auto choice = search::choose_chip(bundled(), id);
  REQUIRE(choice);
  perf::HardwareProblem problem;
  return perf::make_hardware(bundled(), id, search::precision_on(*choice->chip, w), problem);
}

specs::Sourced value(double v) {
  specs::Sourced s;
  s.value = v;
  s.provenance.estimate = "generated";
  return s;
}

// A site within the site table's bounds (specs/bounds.h), sometimes with a subsidy.
specs::Site draw_site(Draw& d) {
  specs::Site s;
  s.id = "generated-site";
  s.country = d.pick<std::string>({"US", "CN", "JP", "DE", "SA", "MY"});
  s.electricity_usd_per_kwh = value(d.log_real(0.001, 2));
  s.pue = value(d.real(1.0, 3.0));
  s.power_available_mw = value(d.log_real(1, 1e5));
  s.grid_gco2_per_kwh = value(d.real(0, 2000));
  s.facility_capex_usd_per_mw = value(d.log_real(1e5, 1e8));
  if (d.chance(0.4))
    s.subsidies.push_back({"power_bill_refund", value(d.real(0, 1)),
                           d.chance(0.5) ? specs::SubsidyScope::domestic_chips : specs::SubsidyScope::all, ""});
  return s;
}

cost::Assumptions draw_assumptions(Draw& d) {
  // Half the draws start from the bundled finance defaults (fabric tiers and
  // rents included), half from the bare model; opex rates drawn on top.
  cost::Assumptions a = d.chance(0.5) ? cost::from_data(*bundled().cost_model) : cost::Assumptions{};
  if (d.chance(0.3)) {
    a.opex = {d.real(0, 0.2), d.real(0, 2), d.real(0, 3e5), d.real(0, 5000), d.real(0, 0.05), d.real(0, 0.05)};
    a.residual_share = d.real(0, 0.5);
    a.carbon_usd_per_tco2 = d.real(0, 300);
  }
  if (d.chance(0.1)) a.market_rent = true;
  a.chip_life_years = d.real(0.5, 30);
  a.building_life_years = d.real(1, 100);
  a.cost_of_capital = d.chance(0.5) ? d.real(0, 1) : 0;
  a.load_factor = d.real(0.05, 1);
  if (d.chance(0.2)) a.rental_usd_per_chip_hour = d.real(0.01, 1000);
  return a;
}

// Every number in `j` that is not finite, by JSON path. (nlohmann keeps a NaN
// as a number and would print it as null.)
void non_finite_numbers(const Json& j, const std::string& path, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, item] : j.items()) non_finite_numbers(item, util::json_pointer_append(path, key), out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) non_finite_numbers(j[i], util::json_pointer_append(path, i), out);
  } else if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    out.push_back(fmt::format("{} = {}", path, j.get<double>()));
  } else if (j.is_string()) {
    // A non-finite number formatted into a message: "needs nan MW", "inf days".
    static const std::regex word(R"((^|[^A-Za-z])-?(nan|inf|infinity)([^A-Za-z]|$))", std::regex::icase);
    if (std::regex_search(j.get<std::string>(), word)) out.push_back(path + " = " + j.get<std::string>());
  }
}

std::string non_finite(const Json& j) {
  std::vector<std::string> found;
  non_finite_numbers(j, "", found);
  std::string out;
  for (const auto& f : found) out += f + "\n";
  return out;
}

// `j` without the keys naming where data was read from ("file", "json_path").
Json without_provenance(Json j) {
  if (j.is_object()) {
    j.erase("file");
    j.erase("json_path");
    for (auto& [key, item] : j.items()) item = without_provenance(item);
  } else if (j.is_array()) {
    for (auto& item : j) item = without_provenance(item);
  }
  return j;
}

// The bundled data as in-memory files under `root`, with its file names.
std::vector<std::pair<std::string, std::string>> bundled_files(const std::string& root) {
  util::RealFileSystem fs;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& path : fs.json_files_below(kDataDir)) {
    std::string error;
    const auto text = fs.read(path, error);
    REQUIRE_MESSAGE(text, error);
    out.emplace_back(root + path.substr(kDataDir.size()), *text);
  }
  return out;
}

specs::Catalog load_or_fail(const util::FileSystem& fs, const std::vector<std::string>& paths) {
  util::Diagnostics diagnostics;
  auto catalog = specs::load_catalog(fs, paths, diagnostics);
  REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
  return catalog;
}

// A plan request over a few chips and sites, under the rules in force.
search::PlanRequest draw_plan_request(Draw& d) {
  search::PlanRequest r;
  r.workloads.push_back(draw_training(d));
  r.workloads.back().name = "generated-training";
  if (d.chance(0.6)) r.workloads.push_back(draw_serving(d));
  auto systems = bundled().system_ids();
  std::shuffle(systems.begin(), systems.end(), d.rng());
  r.chips.assign(systems.begin(), systems.begin() + d.integer(1, 3));
  auto sites = bundled().site_ids();
  std::shuffle(sites.begin(), sites.end(), d.rng());
  r.sites.assign(sites.begin(), sites.begin() + d.integer(1, 3));
  r.buyer.country = d.pick<std::string>({"US", "CN", "AE", "DE"});
  r.buyer.state_funded = r.buyer.country == "CN" && d.chance(0.5);
  r.scenario = d.chance(0.7) ? bundled_policies().default_scenario() : nullptr;
  r.objective = d.pick<search::Objective>(
      {search::Objective::job_cost, search::Objective::lifetime_tco, search::Objective::time, search::Objective::energy, search::Objective::carbon});
  r.deadline_days = d.real(30, 365);
  r.assumptions = draw_assumptions(d);
  return r;
}

std::string plan_dump(const specs::Catalog& catalog, const search::PlanRequest& r) {
  std::vector<std::string> problems;
  const auto plan = search::make_plan(catalog, r, problems);
  REQUIRE(problems.empty());
  return report::plan_json(r, plan,
                           {r.buyer.country, r.buyer.state_funded, std::string(search::to_string(r.objective))})
      .dump(2);
}

}  // namespace

TEST_SUITE("properties") {
  TEST_CASE("doubling the chips never lowers the best layout's tokens/s at a fixed global batch") {
    // The layouts on 2N chips include every layout on N (the search takes
    // "at most N chips"), so the best can only rise; this fails if a prune
    // or a candidate list depends on the budget in a way that loses layouts.
    Draw d(20261201);
    const auto ids = chip_ids();
    int compared = 0;
    for (int i = 0; i < 30; ++i) {
      const auto w = draw_training(d);
      const auto id = d.pick(ids);
      const long long n = d.pick<long long>({64, 128, 256, 512, 1024, 2048, 4096});
      CAPTURE(i);
      CAPTURE(describe(w));
      CAPTURE(id);
      CAPTURE(n);
      const auto hw = hardware_for(id, w);
      REQUIRE(hw);
      const auto model = perf::make_training_model(w);
      const auto small = search::search_training(model, *hw, n, {}, 1);
      const auto large = search::search_training(model, *hw, 2 * n, {}, 1);
      if (small.best.empty()) continue;  // nothing fits on N chips: nothing to compare
      ++compared;
      REQUIRE(!large.best.empty());
      CHECK(large.best.front().layout.chips() <= 2 * n);
      CHECK(large.best.front().estimate.tokens_per_s >= small.best.front().estimate.tokens_per_s);
    }
    // Most draws fit on N chips, or the property was checked on too few.
    CHECK(compared >= 20);
  }

  TEST_CASE("TCO never falls when the electricity price rises, nor when chips are added") {
    Draw d(20261202);
    const auto& catalog = bundled();
    for (int i = 0; i < 200; ++i) {
      auto site = draw_site(d);
      const auto& chip = *catalog.find_accelerator(d.pick(catalog.accelerator_ids()));
      const auto choice = search::choose_chip(catalog, chip.id);
      REQUIRE(choice);
      const specs::System* system = d.chance(0.8) ? choice->system : nullptr;
      auto a = draw_assumptions(d);
      if (a.market_rent && (!a.model || !a.model->find_rental(chip.id))) a.market_rent = false;  // unpriced: no cost
      const auto chips = static_cast<long long>(d.log_real(1, 1e6));
      const double years = d.log_real(0.01, 10);
      CAPTURE(i);
      CAPTURE(chip.id);
      CAPTURE(chips);
      CAPTURE(years);
      CAPTURE(site.electricity_usd_per_kwh.value);
      std::vector<double> prices = {d.log_real(0.001, 2), d.log_real(0.001, 2), d.log_real(0.001, 2), 0.001, 2.0};
      std::sort(prices.begin(), prices.end());
      cost::Cost previous;
      for (std::size_t p = 0; p < prices.size(); ++p) {
        site.electricity_usd_per_kwh = value(prices[p]);
        const auto c = cost::cost_of({&chip, system, &site, chips, years}, a);
        CHECK(std::isfinite(c.tco_usd));
        CHECK(c.tco_usd > 0);
        if (p > 0) {
          CHECK(c.tco_usd >= previous.tco_usd);
          CHECK(c.energy_usd_per_year >= previous.energy_usd_per_year);
          CHECK(c.capex_usd == previous.capex_usd);  // the price moves only the power bill
        }
        previous = c;
      }
      double previous_tco = 0;
      for (const long long n : {chips, chips + 1, 2 * chips, 10 * chips}) {
        const auto c = cost::cost_of({&chip, system, &site, n, years}, a);
        CHECK(c.tco_usd >= previous_tco);
        previous_tco = c.tco_usd;
      }
    }
  }

  TEST_CASE("lifting a cap never makes the optimum worse: exact on small fleets") {
    // Brute force is exact, so the property holds to the last bit: every plan
    // within the tighter limit is within the looser one.
    Draw d(20261203);
    int feasible = 0;
    for (int instance = 0; instance < 120; ++instance) {
      search::FleetProblem p;
      const int workloads = d.integer(1, 2);
      for (int w = 0; w < workloads; ++w) p.demand.push_back(d.integer(1, 12));
      const int options = d.integer(2, 4);
      for (int o = 0; o < options; ++o)
        p.options.push_back({o % workloads, static_cast<double>(d.integer(1, 6)), std::round(d.real(0.5, 20) * 10) / 10,
                             d.integer(1, 4), "o"});
      const int caps = d.integer(1, 2);
      for (int k = 0; k < caps; ++k) {
        search::FleetConstraint c{"cap", "cap", static_cast<double>(d.integer(0, 6)), {}, "chips"};
        for (int o = 0; o < options; ++o)
          if (d.chance(0.6)) c.terms.push_back({o, static_cast<double>(d.integer(1, 3))});
        p.constraints.push_back(c);
      }
      CAPTURE(instance);
      for (std::size_t k = 0; k < p.constraints.size(); ++k) {
        auto lifted = p;
        auto previous = search::brute_force_fleet(lifted);
        feasible += previous.feasible;
        for (const double extra : {1.0, 2.0, 5.0, 1e9}) {
          lifted.constraints[k].limit = p.constraints[k].limit + extra;
          const auto s = search::brute_force_fleet(lifted);
          CAPTURE(lifted.constraints[k].limit);
          if (previous.feasible) {
            REQUIRE(s.feasible);
            CHECK(s.objective <= previous.objective);
          }
          previous = s;
        }
      }
    }
    CHECK(feasible >= 40);
  }

  TEST_CASE("lifting a cap never makes the optimum worse: CBC within its stated gap") {
    // solve_fleet stops within a relative gap of 1e-4 of the optimum
    // (search/fleet.h), so two solutions may differ by that much in the wrong
    // direction: cbc(looser) <= (1 + gap) opt(looser) <= (1 + gap) opt(tighter)
    // <= (1 + gap) cbc(tighter). Larger instances than brute force can visit.
    constexpr double kGap = 1e-4;
    Draw d(20261204);
    int feasible = 0;
    for (int instance = 0; instance < 40; ++instance) {
      search::FleetProblem p;
      const int workloads = d.integer(1, 3);
      for (int w = 0; w < workloads; ++w) p.demand.push_back(std::round(d.log_real(1, 1e4)));
      const int options = d.integer(3, 8);
      for (int o = 0; o < options; ++o)
        p.options.push_back(
            {o % workloads, std::round(d.log_real(1, 500)), d.log_real(1e5, 1e9), d.integer(1, 2000), "o"});
      const int caps = d.integer(1, 3);
      for (int k = 0; k < caps; ++k) {
        search::FleetConstraint c{"cap", "cap", std::round(d.log_real(1, 1e5)), {}, "chips"};
        for (int o = 0; o < options; ++o)
          if (d.chance(0.5)) c.terms.push_back({o, std::round(d.log_real(1, 100))});
        p.constraints.push_back(c);
      }
      CAPTURE(instance);
      const std::size_t k = static_cast<std::size_t>(d.integer(0, caps - 1));
      auto lifted = p;
      auto previous = search::solve_fleet(lifted);
      feasible += previous.feasible;
      for (const double factor : {1.5, 3.0, 1e6}) {
        lifted.constraints[k].limit = p.constraints[k].limit * factor;
        const auto s = search::solve_fleet(lifted);
        CAPTURE(lifted.constraints[k].limit);
        if (previous.feasible) {
          REQUIRE(s.feasible);
          // The bound needs both runs to have closed the gap, not stopped at the time limit.
          REQUIRE(previous.proven_optimal);
          REQUIRE(s.proven_optimal);
          CHECK(s.objective <= previous.objective * (1 + kGap));
        }
        previous = s;
      }
    }
    CHECK(feasible >= 10);
  }

  TEST_CASE("specs and sites JSON are byte-identical whatever the order the files are read in") {
    // The same files read as one directory, and as single files named in
    // shuffled orders: load_catalog sorts by id, so nothing may differ.
    util::MemoryFileSystem fs;
    std::vector<std::string> files;
    for (const auto& [path, text] : bundled_files("data")) {
      fs.add(path, text);
      if (path.find("/policies/") == std::string::npos) files.push_back(path);
    }
    const auto reference = load_or_fail(fs, {"data"});
    const std::string specs = report::specs_list_json(reference).dump(2);
    const std::string sites = report::sites_list_json(reference).dump(2);
    Draw d(20261205);
    for (int round = 0; round < 5; ++round) {
      std::shuffle(files.begin(), files.end(), d.rng());
      CAPTURE(files.front());
      const auto shuffled = load_or_fail(fs, files);
      CHECK(report::specs_list_json(shuffled).dump(2) == specs);
      CHECK(report::sites_list_json(shuffled).dump(2) == sites);
    }
    std::reverse(files.begin(), files.end());
    const auto reversed = load_or_fail(fs, files);
    CHECK(report::specs_list_json(reversed).dump(2) == specs);
  }

  TEST_CASE("specs and sites JSON do not depend on file names: renamed files, sites split one per file") {
    // File names sort the other way round (the last accelerator's file first)
    // and each site gets its own file, in reverse order. The output names the
    // file each record came from, so "file" and "json_path" are set aside.
    util::MemoryFileSystem fs;
    const auto files = bundled_files("data");
    int rank = static_cast<int>(files.size());
    for (const auto& [path, text] : files) {
      const auto slash = path.rfind('/');
      const std::string dir = path.substr(0, slash);
      if (dir.ends_with("/sites")) {
        const auto table = Json::parse(text);
        const auto& sites = table["sites"];
        for (std::size_t i = 0; i < sites.size(); ++i) {
          const std::string name = fmt::format("renamed/sites/{:03}.json", 999 - static_cast<int>(i));
          fs.add(name, Json{{"kind", "site_table"}, {"sites", Json::array({sites[i]})}}.dump());
        }
        continue;
      }
      fs.add(fmt::format("renamed{}/{:03}-{}", dir.substr(4), --rank, path.substr(slash + 1)), text);
    }
    util::MemoryFileSystem original;
    for (const auto& [path, text] : files) original.add(path, text);
    const auto a = load_or_fail(original, {"data"});
    const auto b = load_or_fail(fs, {"renamed"});
    CHECK(b.accelerator_ids() == a.accelerator_ids());
    CHECK(without_provenance(report::specs_list_json(b)).dump(2) ==
          without_provenance(report::specs_list_json(a)).dump(2));
    CHECK(without_provenance(report::sites_list_json(b)).dump(2) ==
          without_provenance(report::sites_list_json(a)).dump(2));
  }

  TEST_CASE("a plan's JSON is byte-identical run again, from shuffled spec files, with chips and sites reordered") {
    util::MemoryFileSystem fs;
    std::vector<std::string> files;
    for (const auto& [path, text] : bundled_files(kDataDir)) {
      fs.add(path, text);
      if (path.find("/policies/") == std::string::npos) files.push_back(path);
    }
    Draw d(20261206);
    std::shuffle(files.begin(), files.end(), d.rng());
    const auto shuffled = load_or_fail(fs, files);
    for (int i = 0; i < 4; ++i) {
      auto r = draw_plan_request(d);
      CAPTURE(i);
      CAPTURE(describe(r.workloads.front()));
      CAPTURE(fmt::format("{}", fmt::join(r.chips, ",")));
      CAPTURE(fmt::format("{}", fmt::join(r.sites, ",")));
      const std::string first = plan_dump(bundled(), r);
      CHECK(plan_dump(bundled(), r) == first);
      CHECK(plan_dump(shuffled, r) == first);
      std::reverse(r.chips.begin(), r.chips.end());
      std::reverse(r.sites.begin(), r.sites.end());
      CHECK(plan_dump(bundled(), r) == first);
      // An id named twice is the same request.
      r.chips.push_back(r.chips.front());
      r.sites.push_back(r.sites.front());
      CHECK(plan_dump(bundled(), r) == first);
    }
  }

  TEST_CASE("no NaN or infinity reaches estimate JSON") {
    Draw d(20261207);
    const auto ids = chip_ids();
    int rendered = 0;
    for (int i = 0; i < 24; ++i) {
      const bool training = i % 2 == 0;
      const auto w = training ? draw_training(d) : draw_serving(d);
      const auto id = d.pick(ids);
      const long long count = d.pick<long long>({1, 8, 64, 512, 4096});
      CAPTURE(i);
      CAPTURE(describe(w));
      CAPTURE(id);
      CAPTURE(count);
      const auto hw = hardware_for(id, w);
      REQUIRE(hw);
      const report::EstimateHeader header{w.name, id, std::string(specs::to_string(w.precision)), count,
                                          hw->peak_flops / 1e12};
      Json j;
      if (training) {
        const auto s = search::search_training(perf::make_training_model(w), *hw, count, {}, 3);
        rendered += !s.best.empty();
        j = report::training_estimate_json(header, s);
      } else {
        const auto s = search::search_inference(perf::make_inference_model(w), *hw, count, {}, 3);
        rendered += !s.best.empty();
        j = report::inference_estimate_json(header, s, w.demanded_output_tokens_per_s());
      }
      CHECK_MESSAGE(non_finite(j).empty(), non_finite(j));
    }
    CHECK(rendered >= 12);
  }

  TEST_CASE("refusing licences never makes the plan cheaper, and then no chosen chip needs one") {
    // Refusing licences removes options (those whose verdict is "licence")
    // and adds none, so the least TCO can only rise, to within CBC's gap of
    // 1e-4 (search/fleet.h); a plan feasible with licences refused is
    // feasible with them granted.
    constexpr double kGap = 1e-4;
    Draw d(20261128);
    int compared = 0;
    int differed = 0;
    for (int i = 0; i < 8; ++i) {
      auto r = draw_plan_request(d);
      r.buyer.country = d.pick<std::string>({"CN", "AE"});
      r.buyer.state_funded = false;
      r.scenario = bundled_policies().default_scenario();
      r.objective = search::Objective::job_cost;
      // An H200 in China needs a licence for either buyer, and is often the
      // cheapest option there: so refusing licences changes some plans.
      r.chips.push_back("hgx-h200-8");
      r.sites.push_back("cn-gansu");
      CAPTURE(i);
      CAPTURE(r.buyer.country);
      CAPTURE(fmt::format("{}", fmt::join(r.chips, ",")));
      CAPTURE(fmt::format("{}", fmt::join(r.sites, ",")));
      std::vector<std::string> problems;
      const auto granted = search::make_plan(bundled(), r, problems);
      r.licences_granted = false;
      const auto refused = search::make_plan(bundled(), r, problems);
      REQUIRE(problems.empty());
      for (const auto& chosen : refused.chosen)
        CHECK(refused.candidates[chosen.candidate].verdict != policy::Verdict::licence);
      if (!refused.feasible) continue;
      REQUIRE(granted.feasible);
      ++compared;
      CHECK(granted.total_job_cost_usd <= refused.total_job_cost_usd * (1 + kGap));
      differed += granted.total_job_cost_usd < refused.total_job_cost_usd * (1 - kGap);
    }
    CHECK(compared >= 3);
    CHECK(differed >= 1);
    MESSAGE(compared << " plans compared, " << differed << " cheaper with licences granted");
  }

  TEST_CASE("no NaN or infinity reaches plan or compare JSON, feasible or not") {
    Draw d(20261208);
    int feasible = 0;
    for (int i = 0; i < 5; ++i) {
      auto r = draw_plan_request(d);
      if (i == 4) r.max_mw = 0.001;  // infeasible: the explanation's numbers are checked too
      CAPTURE(i);
      CAPTURE(describe(r.workloads.front()));
      CAPTURE(fmt::format("{}", fmt::join(r.chips, ",")));
      CAPTURE(fmt::format("{}", fmt::join(r.sites, ",")));
      std::vector<std::string> problems;
      const auto plan = search::make_plan(bundled(), r, problems);
      REQUIRE(problems.empty());
      feasible += plan.feasible;
      const report::PlanHeader header{r.buyer.country, r.buyer.state_funded,
                                      std::string(search::to_string(r.objective))};
      const auto plan_json = report::plan_json(r, plan, header);
      CHECK_MESSAGE(non_finite(plan_json).empty(), non_finite(plan_json));
      const auto compare_json = report::compare_json(r, plan, header);
      CHECK_MESSAGE(non_finite(compare_json).empty(), non_finite(compare_json));
      if (i == 4) CHECK_FALSE(plan.feasible);
    }
    CHECK(feasible >= 2);
  }

  TEST_CASE("10^7 chips and 10^16 tokens: finite, positive, and days linear in tokens") {
    // Llama 3 405B's shape on 8 x 16 x 78,125 = 10,000,000 H100s, two sequences per replica.
    workload::Workload w;
    w.kind = workload::Kind::training;
    w.model.layers = 126, w.model.hidden = 16384, w.model.ffn_hidden = 53248, w.model.heads = 128;
    w.model.kv_heads = 8, w.model.vocab = 128256;
    w.training.seq_len = 8192;
    w.training.global_batch_tokens = 8192.0 * 78125 * 2;
    w.training.tokens = 1e16;
    const auto hw = hardware_for("h100-sxm", w);
    REQUIRE(hw);
    const auto model = perf::make_training_model(w);
    perf::TrainingLayout l;
    l.tp = 8, l.pp = 16, l.dp = 78125, l.mb = 1;
    REQUIRE(l.chips() == search::kMaxPlanChips);
    const auto e = perf::evaluate_training(model, *hw, l);
    REQUIRE(e.rejection == perf::Rejection::none);
    CHECK(e.microbatches == 2);
    for (const double v :
         {e.step_time_s, e.tokens_per_s, e.tflops_per_chip, e.mfu, e.goodput, e.days, e.memory.total()}) {
      CHECK(std::isfinite(v));
      CHECK(v > 0);
    }
    CHECK(e.mfu < 1);
    CHECK(e.goodput < 1);
    // Twice the tokens: the same steps, twice as many; exactly twice the days.
    auto twice = w;
    twice.training.tokens = 2e16;
    const auto e2 = perf::evaluate_training(perf::make_training_model(twice), *hw, l);
    CHECK(e2.tokens_per_s == e.tokens_per_s);
    CHECK(e2.days == doctest::Approx(2 * e.days).epsilon(1e-12));

    // The search at the planner's largest cluster, two keys pinned to keep it short.
    perf::TrainingPins pins;
    pins.tp = 8, pins.pp = 16;
    const auto s = search::search_training(model, *hw, search::kMaxPlanChips, pins, 3);
    REQUIRE(!s.best.empty());
    for (const auto& r : s.best) {
      CHECK(r.layout.chips() <= search::kMaxPlanChips);
      CHECK(std::isfinite(r.estimate.days));
      CHECK(r.estimate.days > 0);
    }
    const report::EstimateHeader header{"big", "h100-sxm", "bf16", search::kMaxPlanChips, hw->peak_flops / 1e12};
    const auto j = report::training_estimate_json(header, s);
    CHECK_MESSAGE(non_finite(j).empty(), non_finite(j));

    // Ten million of every chip at every site for ten years.
    for (const auto& chip : bundled().accelerators)
      for (const auto& site : bundled().sites) {
        const auto choice = search::choose_chip(bundled(), chip.id);
        const auto c = cost::cost_of({&chip, choice->system, &site, search::kMaxPlanChips, 10}, {});
        CAPTURE(chip.id);
        CAPTURE(site.id);
        for (const double v : {c.capex_usd, c.power_mw, c.energy_mwh, c.tco_usd, c.tco2})
          CHECK((std::isfinite(v) && v >= 0));
        CHECK(c.tco_usd > 0);
      }
  }

  TEST_CASE("10^16 tokens in ten years: sized within 10^7 chips, or refused with a finite reason") {
    // Generated shapes, most of which 10^7 chips cannot train on 10^16 tokens
    // within the longest deadline a workload may state (a global batch of at
    // most 2,048 sequences caps the chips a layout can use), and a
    // 125M-parameter model that a hundred chips can.
    Draw d(20261209);
    std::vector<workload::Workload> jobs;
    for (int i = 0; i < 4; ++i) jobs.push_back(draw_training(d, false));
    workload::Workload small;
    small.kind = workload::Kind::training;
    small.model.layers = 12, small.model.hidden = 768, small.model.ffn_hidden = 3072, small.model.heads = 12;
    small.model.kv_heads = 12, small.model.vocab = 50257, small.model.attention = workload::Attention::mha;
    small.training.seq_len = 2048;
    small.training.global_batch_tokens = 2048.0 * 1024;
    jobs.push_back(small);
    const auto ids = bundled().system_ids();
    int feasible = 0;
    for (auto& w : jobs) {
      w.training.tokens = 1e16;
      const auto id = &w == &jobs.back() ? std::string("hgx-h100-8") : d.pick(ids);
      CAPTURE(describe(w));
      CAPTURE(id);
      const auto hw = hardware_for(id, w);
      REQUIRE(hw);
      const auto choice = search::choose_chip(bundled(), id);
      const auto sized =
          search::size_training(perf::make_training_model(w), *hw, choice->step, workload::bounds::kDeadlineDays.max);
      CAPTURE(sized.why_not);
      if (sized.feasible) {
        ++feasible;
        CHECK(sized.count <= search::kMaxPlanChips);
        CHECK(sized.count % choice->step == 0);
        CHECK(std::isfinite(sized.days));
        CHECK(sized.days > 0);
        CHECK(sized.days <= workload::bounds::kDeadlineDays.max);
      } else {
        CHECK(!sized.why_not.empty());
        CHECK(std::isfinite(sized.best_days_at_max));
        CHECK(sized.why_not.find("nan") == std::string::npos);
        CHECK(sized.why_not.find("inf") == std::string::npos);
      }
    }
    CHECK(feasible >= 1);  // the 125M model
    CHECK(feasible < static_cast<int>(jobs.size()));
  }

  TEST_CASE("a global batch of 10^10 one-token sequences counts its micro-batches without overflow") {
    // The workload bounds allow seq_len 1 and 10^10 tokens per step: 10^10
    // micro-batches on one replica, beyond a 32-bit int.
    workload::Workload w;
    w.kind = workload::Kind::training;
    w.model.layers = 2, w.model.hidden = 256, w.model.ffn_hidden = 1024, w.model.heads = 4;
    w.model.kv_heads = 4, w.model.vocab = 1000, w.model.attention = workload::Attention::mha;
    w.training.seq_len = 1;
    w.training.global_batch_tokens = workload::bounds::kGlobalBatchTokens.max;
    w.training.tokens = 1e16;
    const auto hw = hardware_for("h100-sxm", w);
    REQUIRE(hw);
    const auto model = perf::make_training_model(w);
    perf::TrainingLayout one, two;
    two.dp = 2;
    const auto e1 = perf::evaluate_training(model, *hw, one);
    const auto e2 = perf::evaluate_training(model, *hw, two);
    REQUIRE(e1.rejection == perf::Rejection::none);
    REQUIRE(e2.rejection == perf::Rejection::none);
    CHECK(e1.microbatches == 10'000'000'000LL);
    CHECK(e2.microbatches == 5'000'000'000LL);
    // Twice the replicas, half the micro-batches each: compute time halves.
    CHECK(e2.time.compute == doctest::Approx(e1.time.compute / 2));
    CHECK(std::isfinite(e1.days));
    CHECK(e1.days > 0);
  }
}
