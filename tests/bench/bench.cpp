// Speed of the layout search, the planner's inner loop. Prints layouts
// evaluated per second and full-search times for the reference cases;
// run `./build/release/tests/bench` (Google Benchmark flags apply, e.g.
// --benchmark_filter=Turing). Never part of the unit-test run.

#include <algorithm>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>

#include "perf/hardware.h"
#include "policy/loader.h"
#include "search/frontier.h"
#include "search/layout_search.h"
#include "search/plan.h"
#include "search/sweep.h"
#include "specs/catalog.h"
#include "workload/loader.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

const specs::Catalog& catalog() {
  static const specs::Catalog c = [] {
    util::RealFileSystem fs;
    util::Diagnostics diagnostics;
    auto loaded = specs::load_catalog(fs, {kRoot + "/hw_specs"}, diagnostics);
    if (!diagnostics.empty()) throw util::InputError(diagnostics);
    return loaded;
  }();
  return c;
}

workload::Workload load(const std::string& path) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  auto w = workload::load_workload(fs, kRoot + "/" + path, diagnostics);
  if (!w) throw util::InputError(diagnostics);
  return *w;
}

perf::Hardware hardware(const std::string& chip, specs::Precision precision) {
  perf::HardwareProblem problem;
  auto hw = perf::make_hardware(catalog(), chip, precision, problem);
  if (!hw) throw std::runtime_error(problem.message);
  return *hw;
}

// One full training search per iteration; reports layouts/s and the search size.
void search_training(benchmark::State& state, const std::string& workload_path, const std::string& chip,
                     long long chips) {
  const auto w = load(workload_path);
  const auto model = perf::make_training_model(w);
  const auto hw = hardware(chip, w.precision);
  long long evaluated = 0;
  long long pruned = 0;
  double best_tokens_per_s = 0;
  for (auto _ : state) {
    const auto result = search::search_training(model, hw, chips, {});
    evaluated += result.evaluated;
    pruned += result.pruned;
    best_tokens_per_s = result.best.empty() ? 0 : result.best.front().estimate.tokens_per_s;
    benchmark::DoNotOptimize(result.best.data());
  }
  state.counters["layouts/s"] = benchmark::Counter(static_cast<double>(evaluated), benchmark::Counter::kIsRate);
  state.counters["layouts/search"] = static_cast<double>(evaluated) / static_cast<double>(state.iterations());
  state.counters["groups_pruned"] = static_cast<double>(pruned) / static_cast<double>(state.iterations());
  state.counters["best_tokens/s"] = best_tokens_per_s;
}

void BM_SearchTuringNLG530B_5128xA100(benchmark::State& state) {
  search_training(state, "tests/calibration/turing-nlg-530b.json", "a100-sxm-80gb", 5128);
}
void BM_SearchLlama3_405B_16384xH100(benchmark::State& state) {
  search_training(state, "examples/llama3-405b-pretrain.json", "h100-sxm", 16384);
}
void BM_SearchDeepSeekV3_2048xH800(benchmark::State& state) {
  search_training(state, "examples/deepseek-v3-pretrain.json", "h800-sxm", 2048);
}
// How the search grows with the chip budget (Llama 3 405B on H100).
void BM_SearchLlama3_405B_Scaling(benchmark::State& state) {
  search_training(state, "examples/llama3-405b-pretrain.json", "h100-sxm", state.range(0));
}

// One layout, evaluated over and over: the model's own cost.
void BM_EvaluateOneLayout_Llama3_405B(benchmark::State& state) {
  const auto w = load("examples/llama3-405b-pretrain.json");
  const auto model = perf::make_training_model(w);
  const auto hw = hardware("h100-sxm", w.precision);
  perf::TrainingLayout layout;
  layout.tp = 8, layout.pp = 16, layout.dp = 64, layout.vp = 2, layout.recompute = perf::Recompute::full;
  for (auto _ : state) {
    auto e = perf::evaluate_training(model, hw, layout);
    benchmark::DoNotOptimize(e);
  }
  state.counters["layouts/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SearchServingDeepSeekR1_512xH200(benchmark::State& state) {
  const auto w = load("examples/deepseek-r1-serving.json");
  const auto model = perf::make_inference_model(w);
  const auto hw = hardware("h200-sxm", w.precision);
  long long evaluated = 0;
  for (auto _ : state) {
    const auto result = search::search_inference(model, hw, 512, {});
    evaluated += result.evaluated;
    benchmark::DoNotOptimize(result.best.data());
  }
  state.counters["layouts/s"] = benchmark::Counter(static_cast<double>(evaluated), benchmark::Counter::kIsRate);
}

// A whole throughput-interactivity frontier (estimate --frontier): every
// layout and batch of one chip and count, reduced to its Pareto points.
void frontier(benchmark::State& state, const std::string& workload_path, const std::string& chip, long long chips) {
  const auto w = load(workload_path);
  const auto model = perf::make_inference_model(w);
  const auto hw = hardware(chip, w.precision);
  long long evaluated = 0;
  std::size_t points = 0;
  for (auto _ : state) {
    const auto f = search::inference_frontier(model, hw, chips, {});
    evaluated += f.evaluated;
    points = f.points.size();
    benchmark::DoNotOptimize(f.points.data());
  }
  state.counters["layouts/s"] = benchmark::Counter(static_cast<double>(evaluated), benchmark::Counter::kIsRate);
  state.counters["layouts/frontier"] = static_cast<double>(evaluated) / static_cast<double>(state.iterations());
  state.counters["points"] = static_cast<double>(points);
}
void BM_Frontier_DeepSeekR1_1024xH200(benchmark::State& s) {
  frontier(s, "examples/deepseek-r1-serving.json", "h200-sxm", 1024);
}
void BM_Frontier_DeepSeekR1_72xGB200(benchmark::State& s) { frontier(s, "examples/deepseek-r1-serving.json", "gb200", 72); }
void BM_Frontier_Llama3_70B_64xH100(benchmark::State& s) {
  frontier(s, "examples/llama3-70b-chat-serving.json", "h100-sxm", 64);
}

// `plan` over every bundled system and every site, as the CLI runs it:
// sizing per chip, pricing per site, policy verdicts, the fleet MILP.
void plan_all(benchmark::State& state, const std::vector<std::string>& workloads, const std::string& buyer) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  static const auto policies = policy::load_policies(fs, {kRoot + "/hw_specs"}, diagnostics);
  search::PlanRequest request;
  for (const auto& w : workloads) request.workloads.push_back(load(w));
  request.buyer.country = buyer;
  request.scenario = policies.default_scenario();
  std::size_t candidates = 0;
  for (auto _ : state) {
    std::vector<std::string> problems;
    const auto plan = search::make_plan(catalog(), request, problems);
    candidates = plan.candidates.size();
    benchmark::DoNotOptimize(plan.chosen.data());
  }
  state.counters["chip_site_options"] = static_cast<double>(candidates);
}

// A 10,000-point sweep (100 electricity prices x 100 costs of capital) of
// a training plan over every bundled system and site, on every core, as
// `clusterplan sweep` runs it.
void BM_Sweep10k_Llama3_70B(benchmark::State& state) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  static const auto policies = policy::load_policies(fs, {kRoot + "/hw_specs"}, diagnostics);
  search::PlanRequest request;
  request.workloads.push_back(load("examples/llama3-70b-pretrain.json"));
  request.scenario = policies.default_scenario();
  std::vector<search::SweepAxis> axes(2);
  search::parse_axis("electricity=0.03..0.20:100", axes[0]);
  search::parse_axis("cost-of-capital=0..0.15:100", axes[1]);
  search::SweepOptions options;
  options.threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  for (auto _ : state) {
    const auto rows = search::run_sweep(catalog(), request, axes, 0, search::grid_size(axes), options);
    benchmark::DoNotOptimize(rows.data());
  }
  state.counters["points/s"] = benchmark::Counter(10000.0 * static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}

void BM_Plan_Llama3_405B(benchmark::State& s) { plan_all(s, {"examples/llama3-405b-pretrain.json"}, "US"); }
void BM_Plan_DeepSeekV3(benchmark::State& s) { plan_all(s, {"examples/deepseek-v3-pretrain.json"}, "CN"); }
void BM_Plan_Llama3_70B_Serving(benchmark::State& s) { plan_all(s, {"examples/llama3-70b-chat-serving.json"}, "US"); }
void BM_Plan_DeepSeekR1_Serving(benchmark::State& s) { plan_all(s, {"examples/deepseek-r1-serving.json"}, "CN"); }
void BM_Plan_CnLabR1_Serving(benchmark::State& s) { plan_all(s, {"examples/cn-lab-r1-serving.json"}, "CN"); }
void BM_Plan_CnLab_TrainAndServe(benchmark::State& s) {
  plan_all(s, {"examples/cn-lab-671b-moe-pretrain.json", "examples/cn-lab-r1-serving.json"}, "CN");
}
void BM_Plan_USFrontier_1GW(benchmark::State& s) { plan_all(s, {"examples/us-frontier-4t-pretrain.json"}, "US"); }
void BM_Plan_Tier2_Sprint(benchmark::State& s) { plan_all(s, {"examples/tier2-405b-sprint.json"}, "AE"); }

}  // namespace

BENCHMARK(BM_Plan_Llama3_405B)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_DeepSeekV3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_Llama3_70B_Serving)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_DeepSeekR1_Serving)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_CnLabR1_Serving)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_CnLab_TrainAndServe)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_USFrontier_1GW)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan_Tier2_Sprint)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchTuringNLG530B_5128xA100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchLlama3_405B_16384xH100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchDeepSeekV3_2048xH800)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchLlama3_405B_Scaling)->RangeMultiplier(4)->Range(1024, 262144)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EvaluateOneLayout_Llama3_405B);
BENCHMARK(BM_SearchServingDeepSeekR1_512xH200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frontier_DeepSeekR1_1024xH200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frontier_DeepSeekR1_72xGB200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frontier_Llama3_70B_64xH100)->Unit(benchmark::kMillisecond);

BENCHMARK(BM_Sweep10k_Llama3_70B)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

BENCHMARK_MAIN();
