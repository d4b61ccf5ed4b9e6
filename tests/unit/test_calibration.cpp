// The accuracy test: every published run in tests/calibration is predicted
// with its published layout and compared with what was measured. The table
// this prints is the README's accuracy table. Each case fails past a bound
// stated below, with the reason for the bound; a case marked "fitted" is the
// one a constant was calibrated on (hw_specs/model/constants.json) and is
// held to a tight bound only to catch drift.

#include <algorithm>
#include <cmath>
#include <map>
#include <cstdio>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "perf/hardware.h"
#include "perf/inference.h"
#include "perf/training.h"
#include "search/layout_search.h"
#include "specs/catalog.h"
#include "workload/loader.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

// Dense training on NVIDIA parts: the aim, met by every dense case.
constexpr double kDenseTrainingBound = 0.15;
// MoE training, out of sample: issue 10 holds each case to 25%.
constexpr double kMoeTrainingBound = 0.25;
// The searched best layout against a tuned published recipe on the same
// chips (issue 10): the MoE bound.
constexpr double kSearchOverRecipeBound = kMoeTrainingBound;
// Serving: frameworks differ by up to 2x on the same hardware, the MLPerf
// prompt length is an estimate, and the AMD efficiency source is secondary.
constexpr double kServingBound = 0.40;
// A case a constant was fitted on must stay where the fit put it.
constexpr double kFittedBound = 0.05;
// Reported in the table but not yet held to a bound: the README says why.
constexpr double kNotHeld = 1e9;

struct Loaded {
  specs::Catalog catalog;
  workload::Workload workload;
  perf::Hardware hw;
};

Loaded load(const std::string& case_file, const std::string& chip) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  Loaded out{specs::load_catalog(fs, {kRoot + "/hw_specs"}, diagnostics), {}, {}};
  auto w = workload::load_workload(fs, kRoot + "/tests/calibration/" + case_file, diagnostics);
  REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
  out.workload = *w;
  perf::HardwareProblem problem;
  auto hw = perf::make_hardware(out.catalog, chip, w->precision, problem);
  REQUIRE_MESSAGE(hw, problem.message);
  out.hw = *hw;
  return out;
}

perf::TrainingLayout training_layout(int tp, int pp, int dp, int mb, int vp, perf::Recompute recompute, int zero,
                                     int ep = 1) {
  perf::TrainingLayout l;
  l.tp = tp, l.pp = pp, l.dp = dp, l.mb = mb, l.vp = vp, l.recompute = recompute, l.zero = zero, l.ep = ep;
  return l;
}

double report(const char* id, const char* metric, double predicted, double published, const char* kind) {
  const double error = predicted / published - 1;
  std::printf("| %-26s | %-34s | %10.0f | %10.0f | %+6.1f%% | %s |\n", id, metric, predicted, published, error * 100,
              kind);
  return error;
}

// A published run from tests/calibration/training/CASES.md: its workload,
// chip, published layout and what was measured.
enum class Metric { tokens_per_gpu, megascale_mfu };
struct TrainingCase {
  const char* id;
  const char* file;  // under tests/calibration/
  const char* chip;
  perf::TrainingLayout layout;
  Metric metric;
  double published;
  const char* kind;  // "out of sample" or "fitted (...)"
  double bound;
};

perf::TrainingLayout layout_of(int tp, int pp, int dp, int ep, int mb, int vp, perf::Recompute recompute, int zero = 1) {
  perf::TrainingLayout l = training_layout(tp, pp, dp, mb, vp, recompute, zero, ep);
  return l;
}

// DeepSeek-V3 on 2,048 H800 (report sections 3.2-3.3): PP16, EP64 over 8
// nodes, ZeRO-1 DP, no TP; recompute of norms and MLA up-projections, FP8
// activations, BF16 moments, the DualPipe schedule. Micro-batch not published.
perf::TrainingLayout deepseek_v3_layout() {
  perf::TrainingLayout l = training_layout(1, 16, 128, 1, 1, perf::Recompute::selective, 1, 64);
  l.fp8_activations = true;
  l.bf16_moments = true;
  l.schedule = perf::Schedule::dualpipe;
  return l;
}

// MegaScale's MFU: model FLOPs with non-causal attention, 6N + 12 L h s per
// token, over the 312 TFLOPS BF16 peak of an Ampere GPU (CASES.md, derivations).
double megascale_mfu(const perf::TrainingModel& model, double tokens_per_s_per_gpu) {
  const auto& c = model.costs;
  const double flops_per_token = 6 * c.total_params() + 12.0 * c.layers * c.hidden * model.seq_len;
  return tokens_per_s_per_gpu * flops_per_token / 312e12 * 100;
}

perf::TrainingLayout with_cp(perf::TrainingLayout l, int cp) {
  l.cp = cp;
  return l;
}

perf::TrainingLayout without_a2a_overlap(perf::TrainingLayout l) {
  l.a2a_overlap = false;
  return l;
}

// Experts TP-split like the dense layers, ep within dp x cp: Megatron-Core's
// layout when --expert-tensor-parallel-size is not given (ETP = TP), the
// "coupled" layout of the MoE Parallel Folding paper.
perf::TrainingLayout coupled(perf::TrainingLayout l) {
  l.etp = l.tp;
  return l;
}

perf::TrainingLayout fp8_recipe(perf::TrainingLayout l) {
  l.fp8_activations = true;
  l.bf16_moments = true;
  return l;
}

// Dense runs at 3,072 chips or more (tests/calibration/training/CASES.md).
std::vector<TrainingCase> large_dense_cases() {
  using R = perf::Recompute;
  const char* oos = "out of sample";
  const char* ms = "training/megascale-175b.json";
  const char* a100 = "a100-sxm-80gb";
  return {
      {"megascale-175b-3072", ms, a100, layout_of(8, 8, 48, 1, 1, 6, R::selective), Metric::tokens_per_gpu,
       433.6e3 / 3072, oos, kDenseTrainingBound},
      {"megascale-175b-6144", ms, a100, layout_of(8, 8, 96, 1, 1, 6, R::selective), Metric::tokens_per_gpu,
       851.6e3 / 6144, oos, kDenseTrainingBound},
      {"megascale-175b-8192", ms, a100, layout_of(8, 8, 128, 1, 1, 6, R::selective), Metric::tokens_per_gpu,
       1027.9e3 / 8192, oos, kDenseTrainingBound},
      {"megascale-175b-12288", ms, a100, layout_of(8, 8, 192, 1, 1, 6, R::selective), Metric::tokens_per_gpu,
       1466.8e3 / 12288, "fitted (stragglers)", kDenseTrainingBound},
      {"megascale-530b-11200", "training/megascale-530b-11200.json", a100, layout_of(8, 35, 40, 1, 1, 3, R::selective),
       Metric::megascale_mfu, 48.2, oos, kDenseTrainingBound},
      {"mlperf50-h100-8192-fp8", "training/mlperf50-llama31-405b-h100-8192.json", "h100-sxm",
       with_cp(layout_of(8, 8, 64, 1, 1, 8, R::none), 2), Metric::tokens_per_gpu, 291.3, oos, kDenseTrainingBound},
      {"mlperf50-gb200-2496-fp8", "training/mlperf50-llama31-405b-gb200-2496.json", "gb200-nvl72",
       with_cp(layout_of(4, 8, 39, 1, 1, 8, R::none), 2), Metric::tokens_per_gpu, 697.4, "fitted (GB200 matmul)",
       kFittedBound},
      {"mlperf51-gb200-2560-nvfp4", "training/mlperf51-llama31-405b-gb200-2560-nvfp4.json", "gb200-nvl72",
       with_cp(layout_of(4, 8, 40, 1, 1, 8, R::none), 2), Metric::tokens_per_gpu, 971, oos, kDenseTrainingBound},
      {"mlperf51-gb200-5120-nvfp4", "training/mlperf51-llama31-405b-gb200-5120-nvfp4.json", "gb200-nvl72",
       with_cp(layout_of(4, 8, 80, 1, 1, 8, R::none), 2), Metric::tokens_per_gpu, 922, oos, kDenseTrainingBound},
      // MLPerf Training v4.0 GPT-3 175B on Eos (FP8, TP4 PP6 VP8): tokens per
      // log block / block seconds / GPUs (CASES.md, derivations).
      {"mlperf40-gpt3-h100-10752", "training/mlperf40-gpt3-175b-h100-10752.json", "h100-sxm",
       layout_of(4, 6, 448, 1, 1, 8, R::none), Metric::tokens_per_gpu, 55050240 / 9.209 / 10752, oos,
       kDenseTrainingBound},
      {"mlperf40-gpt3-h100-11616", "training/mlperf40-gpt3-175b-h100-11616.json", "h100-sxm",
       layout_of(4, 6, 484, 1, 1, 8, R::none), Metric::tokens_per_gpu, 53526528 / 8.304 / 11616, oos,
       kDenseTrainingBound},
  };
}

// MoE Parallel Folding (CASES.md, derivations): MFU on the H100's 989.5 dense
// BF16 TFLOPS over Megatron-convention FLOPs per token, as tokens/s per GPU.
double mixtral_at_mfu(double mfu) { return mfu * 989.5e12 / 242.2e9; }
double qwen2_at_mfu(double mfu) { return mfu * 989.5e12 / 84.65e9; }

// Why a row is not held, where several rows share the reason.
const char* const kQwen2SmallGemms =
    "not held: Qwen2's small GEMMs (hidden 3,584): every Qwen2 row is optimistic at 64 GPUs";
const char* const kPerStepCost =
    "not held: a per-step cost not modelled (512/2,048 logs: 0.12 s per micro-batch + 1.8 s)";
const char* const kUntunedJax = "not held: untuned JAX stack (a floor)";

// Published MoE runs (tests/calibration/training/CASES.md); tokens/s per GPU.
std::vector<TrainingCase> moe_cases() {
  using R = perf::Recompute;
  const char* oos = "out of sample";
  const char* q3h = "training/qwen3-235b-a22b-h100.json";
  const char* q2 = "training/qwen2-57b-a14b-h100-gbs1024.json";
  const char* mx1k = "training/mixtral-8x22b-h100-gbs1024.json";
  const char* mp = "training/mlperf60-deepseek-v3-gb200.json";
  const char* mp16k = "training/mlperf60-deepseek-v3-gb200-gbs16384.json";
  const auto m = Metric::tokens_per_gpu;
  const double b = kMoeTrainingBound;
  return {
      {"deepseek-v3", "deepseek-v3.json", "h800-sxm", deepseek_v3_layout(), m, 1543, "fitted (ep_overlap)",
       kFittedBound},
      {"deepseek-v2-h800", "training/deepseek-v2.json", "h800-sxm", layout_of(1, 16, 64, 8, 1, 1, R::selective), m,
       1607.5, "not held: optimistic, and its zero-bubble PP and device-limited routing (not modelled) would add speed",
       kNotHeld},
      // ModelZoo's H100 table: EP32 folded over TP2 x DP16 with DeepEP, the
      // 1F1B all-to-all overlap on and off; EP8 in a 32-deep pipeline with
      // NCCL's all-to-all; TP4 with no ETP given (so ETP = TP = 4).
      {"qwen3-235b-h100-ep32", q3h, "h100-sxm", layout_of(2, 8, 16, 32, 1, 4, R::selective), m, 1862, oos, b},
      {"qwen3-235b-h100-ep32-no-overlap", q3h, "h100-sxm",
       without_a2a_overlap(layout_of(2, 8, 16, 32, 1, 4, R::selective)), m, 1663, oos, b},
      {"qwen3-235b-h100-ep8-pp32", q3h, "h100-sxm", layout_of(2, 32, 4, 8, 1, 3, R::selective), m, 1354,
       "not held: unexplained; 3 layers a stage beside a head worth 2.4 (stage split not published)", kNotHeld},
      {"qwen3-235b-h100-tp4-ep8", q3h, "h100-sxm", coupled(layout_of(4, 8, 8, 8, 1, 4, R::none)), m, 1130, oos, b},
      {"qwen3-235b-h100-fsdp", q3h, "h100-sxm", layout_of(2, 1, 128, 8, 4, 1, R::full, 3), m, 1862, oos, b},
      {"qwen3-235b-gb200-bf16", "training/qwen3-235b-a22b-gb200-bf16.json", "gb200-nvl72",
       without_a2a_overlap(layout_of(1, 8, 32, 8, 1, 1, R::none)), m, 5067, oos, b},
      {"qwen3-235b-gb200-mxfp8", "training/qwen3-235b-a22b-gb200-mxfp8.json", "gb200-nvl72",
       fp8_recipe(layout_of(1, 4, 64, 64, 3, 6, R::selective)), m, 6208, oos, b},
      {"deepseek-v3-gb200-mxfp8", "training/deepseek-v3-gb200-mxfp8.json", "gb200-nvl72",
       fp8_recipe(layout_of(1, 8, 32, 32, 1, 4, R::selective)), m, 3883, oos, b},
      {"mixtral-8x22b-h100-128", "training/mixtral-8x22b-h100.json", "h100-sxm", layout_of(2, 8, 8, 8, 1, 1, R::none),
       m, 2014, oos, b},
      {"mixtral-8x22b-h100-1024", "training/mixtral-8x22b-h100-gbs1024.json", "h100-sxm",
       layout_of(2, 8, 64, 8, 1, 1, R::none), m, mixtral_at_mfu(0.449), oos, b},
      // The Folding paper's "coupled" baseline (Megatron-Core before folding:
      // TP2 EP4 with the experts TP-split, EP within DP), Tables 3-4.
      {"mixtral-8x22b-h100-128-coupled", "training/mixtral-8x22b-h100.json", "h100-sxm",
       coupled(layout_of(2, 8, 8, 4, 1, 1, R::none)), m, 1892, oos, b},
      {"mixtral-gbs1024-coupled-128", mx1k, "h100-sxm", coupled(layout_of(2, 8, 8, 4, 1, 1, R::none)), m,
       mixtral_at_mfu(0.494), oos, b},
      {"mixtral-gbs1024-coupled-256", mx1k, "h100-sxm", coupled(layout_of(2, 8, 16, 4, 1, 1, R::none)), m,
       mixtral_at_mfu(0.480), oos, b},
      {"mixtral-gbs1024-coupled-512", mx1k, "h100-sxm", coupled(layout_of(2, 8, 32, 4, 1, 1, R::none)), m,
       mixtral_at_mfu(0.455), oos, b},
      {"mixtral-gbs1024-coupled-1024", mx1k, "h100-sxm", coupled(layout_of(2, 8, 64, 4, 1, 1, R::none)), m,
       mixtral_at_mfu(0.423), oos, b},
      {"qwen2-57b-h100-64-coupled", "training/qwen2-57b-a14b-h100.json", "h100-sxm",
       coupled(layout_of(2, 4, 8, 4, 1, 1, R::none)), m, 4126, oos, b},
      {"qwen2-gbs1024-coupled-64", q2, "h100-sxm", coupled(layout_of(2, 4, 8, 4, 1, 1, R::none)), m,
       qwen2_at_mfu(0.362), kQwen2SmallGemms, kNotHeld},
      {"qwen2-gbs1024-coupled-128", q2, "h100-sxm", coupled(layout_of(2, 4, 16, 4, 1, 1, R::none)), m,
       qwen2_at_mfu(0.360), oos, b},
      {"qwen2-gbs1024-coupled-256", q2, "h100-sxm", coupled(layout_of(2, 4, 32, 4, 1, 1, R::none)), m,
       qwen2_at_mfu(0.348), oos, b},
      {"qwen2-gbs1024-coupled-512", q2, "h100-sxm", coupled(layout_of(2, 4, 64, 4, 1, 1, R::none)), m,
       qwen2_at_mfu(0.325), oos, b},
      {"qwen2-gbs1024-coupled-1024", q2, "h100-sxm", coupled(layout_of(2, 4, 128, 4, 1, 1, R::none)), m,
       qwen2_at_mfu(0.298), oos, b},
      {"mixtral-8x22b-h100-gbs1024-128", "training/mixtral-8x22b-h100-gbs1024.json", "h100-sxm",
       layout_of(2, 8, 8, 8, 1, 1, R::none), m, mixtral_at_mfu(0.522), oos, b},
      {"mixtral-8x22b-h100-gbs1024-256", "training/mixtral-8x22b-h100-gbs1024.json", "h100-sxm",
       layout_of(2, 8, 16, 8, 1, 1, R::none), m, mixtral_at_mfu(0.507), oos, b},
      {"mixtral-8x22b-h100-gbs1024-512", "training/mixtral-8x22b-h100-gbs1024.json", "h100-sxm",
       layout_of(2, 8, 32, 8, 1, 1, R::none), m, mixtral_at_mfu(0.489), oos, b},
      {"qwen2-57b-a14b-h100-64", "training/qwen2-57b-a14b-h100.json", "h100-sxm", layout_of(2, 4, 8, 4, 1, 1, R::none),
       m, 4559, oos, b},
      // The same model at GBS 1,024 (Table 4): DP = GPUs / 8.
      {"qwen2-57b-gbs1024-64", q2, "h100-sxm", layout_of(2, 4, 8, 4, 1, 1, R::none), m, qwen2_at_mfu(0.399),
       kQwen2SmallGemms, kNotHeld},
      {"qwen2-57b-gbs1024-128", q2, "h100-sxm", layout_of(2, 4, 16, 4, 1, 1, R::none), m,
       qwen2_at_mfu(0.397), oos, b},
      {"qwen2-57b-gbs1024-256", q2, "h100-sxm", layout_of(2, 4, 32, 4, 1, 1, R::none), m,
       qwen2_at_mfu(0.381), oos, b},
      {"qwen2-57b-gbs1024-512", q2, "h100-sxm", layout_of(2, 4, 64, 4, 1, 1, R::none), m,
       qwen2_at_mfu(0.366), oos, b},
      {"qwen2-57b-gbs1024-1024", q2, "h100-sxm", layout_of(2, 4, 128, 4, 1, 1, R::none), m,
       qwen2_at_mfu(0.334), oos, b},
      // MLPerf Training v6.0 DeepSeek-V3 on GB200 NVL72 (MXFP8, real data):
      // GBS x 4,096 / median step / GPUs (CASES.md, derivations).
      {"mlperf60-dsv3-gb200-512", mp, "gb200-nvl72", fp8_recipe(layout_of(2, 4, 64, 32, 1, 4, R::none)), m,
       15360 * 4096 / 30.78 / 512, oos, b},
      {"mlperf60-dsv3-gb200-2048", mp, "gb200-nvl72", fp8_recipe(layout_of(2, 4, 256, 32, 1, 4, R::none)), m,
       15360 * 4096 / 9.083 / 2048, kPerStepCost, kNotHeld},
      {"mlperf60-dsv3-gb200-4096", mp16k, "gb200-nvl72", fp8_recipe(layout_of(2, 4, 512, 32, 1, 4, R::none)), m,
       16384 * 4096 / 5.42 / 4096, kPerStepCost, kNotHeld},
      {"mlperf60-dsv3-gb200-8192", mp16k, "gb200-nvl72", fp8_recipe(layout_of(2, 4, 1024, 32, 1, 4, R::none)), m,
       16384 * 4096 / 3.455 / 8192, kPerStepCost, kNotHeld},
      {"deepseek-v3-mi355x-64", "training/deepseek-v3-mi355x.json", "mi355x", layout_of(1, 1, 64, 8, 8, 1, R::full, 3), m,
       1179.7, kUntunedJax, kNotHeld},
      {"deepseek-v3-b200-64", "training/deepseek-v3-b200-maxtext.json", "hgx-b200-8",
       layout_of(1, 1, 64, 8, 7, 1, R::full, 3), m, 1183, kUntunedJax, kNotHeld},
  };
}

double check_case(const TrainingCase& k) {
  CAPTURE(k.id);
  auto c = load(k.file, k.chip);
  const auto model = perf::make_training_model(c.workload);
  const auto e = perf::evaluate_training(model, c.hw, k.layout, /*stop_at_memory=*/false);
  REQUIRE(e.rejection != perf::Rejection::divisibility);
  REQUIRE(e.rejection != perf::Rejection::batch);
  const double per_gpu = e.tokens_per_s / static_cast<double>(k.layout.chips());
  const double error = k.metric == Metric::megascale_mfu
                           ? report(k.id, "MFU % (MegaScale convention)", megascale_mfu(model, per_gpu), k.published,
                                    k.kind)
                           : report(k.id, "tokens/s per GPU", per_gpu, k.published, k.kind);
  CHECK(std::fabs(error) < k.bound);
  return error;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The publication a MoE row comes from: rows of one paper share its stack and
// its way of measuring, so the median is also shown with one value per source.
std::string moe_source(const std::string& id) {
  for (const char* prefix : {"deepseek-v2", "qwen3-235b-h100", "qwen3-235b-gb200", "deepseek-v3-gb200", "mlperf60"})
    if (id.rfind(prefix, 0) == 0) return prefix;
  if (id.rfind("mixtral", 0) == 0 || id.rfind("qwen2", 0) == 0) return "moe-parallel-folding";
  if (id.rfind("deepseek-v3-mi355x", 0) == 0 || id.rfind("deepseek-v3-b200", 0) == 0) return "maxtext";
  return id;
}

}  // namespace

TEST_SUITE("perf::calibration") {
  TEST_CASE("training runs are predicted within their bounds") {
    std::printf("\n| case | metric | predicted | published | error | check |\n|---|---|---:|---:|---:|---|\n");
    {
      // Llama 3 405B, Table 4 of the Llama 3 paper: TP8 CP1 PP16 DP64, 32
      // sequences per DP rank, no activation recompute. The paper reports MFU
      // from model FLOPs. The interleaving depth is not published; both the
      // plain and the two-deep interleaved schedule are shown.
      auto c = load("llama3-405b-8k.json", "h100-sxm");
      const auto model = perf::make_training_model(c.workload);
      for (const int vp : {1, 2}) {
        const auto e = perf::evaluate_training(model, c.hw, training_layout(8, 16, 64, 1, vp, perf::Recompute::none, 1),
                                               /*stop_at_memory=*/false);
        const double error = report(vp == 1 ? "llama3-405b-8k (vp=1)" : "llama3-405b-8k (vp=2)",
                                    "model TFLOPS per GPU", e.tflops_per_chip, 430,
                                    vp == 1 ? "reading, not held" : "out of sample");
        // Llama 3 ran an interleaved schedule (paper, section 3.3.2, its
        // modified interleaved 1F1B); the plain 1F1B reading is shown only.
        if (vp > 1) CHECK(std::fabs(error) < kDenseTrainingBound);
        // The memory model disagrees: it needs more than the 80 GB the run fit
        // in (Llama 3 frees tensors early and balances stages by hand).
        CHECK(e.rejection == perf::Rejection::memory);
      }
    }
    {
      // Megatron-LM 529.6B (Narayanan et al. 2021, Table 1): TP8 PP35 on 2,520
      // A100, batch 2,520, full recompute, 163 TFLOPS counting the recompute.
      auto c = load("turing-nlg-530b.json", "a100-sxm-80gb");
      const auto model = perf::make_training_model(c.workload);
      const auto e = perf::evaluate_training(model, c.hw, training_layout(8, 35, 9, 1, 1, perf::Recompute::full, 1));
      REQUIRE(e.rejection == perf::Rejection::none);
      CHECK(std::fabs(report("megatron-530b", "hardware TFLOPS per GPU", e.hardware_tflops_per_chip, 163,
                             "fitted (A100 matmul)")) < kFittedBound);
    }
    {
      // OPT-175B on 992 A100: TP8 with FSDP over 124 ranks, activation
      // checkpointing; 147 TFLOPS per GPU in Megatron's convention.
      auto c = load("opt-175b.json", "a100-sxm-80gb");
      const auto model = perf::make_training_model(c.workload);
      const auto e = perf::evaluate_training(model, c.hw, training_layout(8, 1, 124, 8, 1, perf::Recompute::full, 3));
      REQUIRE(e.rejection == perf::Rejection::none);
      CHECK(std::fabs(report("opt-175b", "hardware TFLOPS per GPU", e.hardware_tflops_per_chip, 147,
                             "out of sample")) < kDenseTrainingBound);
    }
    {
      // BLOOM-176B on 384 A100: TP4 PP12 DP8, micro-batch 2, full recompute;
      // ~150 TFLOPS per GPU from Megatron-DeepSpeed's counter (recompute included).
      auto c = load("bloom-176b.json", "a100-sxm-80gb");
      const auto model = perf::make_training_model(c.workload);
      const auto e = perf::evaluate_training(model, c.hw, training_layout(4, 12, 8, 2, 1, perf::Recompute::full, 1));
      REQUIRE(e.rejection == perf::Rejection::none);
      CHECK(std::fabs(report("bloom-176b", "hardware TFLOPS per GPU", e.hardware_tflops_per_chip, 150,
                             "out of sample")) < kDenseTrainingBound);
    }
    for (const auto& k : large_dense_cases()) check_case(k);
    // Issue 10: the out-of-sample MoE rows (every row not fitted, held or
    // not) have a median |error| of 20% or less.
    std::vector<double> moe_errors;
    std::map<std::string, std::vector<double>> by_source;
    for (const auto& k : moe_cases()) {
      const double error = std::fabs(check_case(k));
      if (std::string(k.kind).rfind("fitted", 0) == 0) continue;
      moe_errors.push_back(error);
      by_source[moe_source(k.id)].push_back(error);
    }
    std::vector<double> source_medians;
    for (const auto& [source, errors] : by_source) source_medians.push_back(median(errors));
    std::printf("\nout-of-sample MoE rows: %zu, median |error| %.1f%%; by source (%zu sources, each its rows' median): "
                "median %.1f%%\n",
                moe_errors.size(), median(moe_errors) * 100, source_medians.size(), median(source_medians) * 100);
    CHECK(moe_errors.size() >= 6);
    CHECK(median(moe_errors) <= 0.20);
  }

  TEST_CASE("the searched best layout for DeepSeek-V3 on 2,048 H800 stays near DeepSeek's recipe") {
    util::RealFileSystem fs;
    util::Diagnostics diagnostics;
    const auto catalog = specs::load_catalog(fs, {kRoot + "/hw_specs"}, diagnostics);
    const auto w = workload::load_workload(fs, kRoot + "/examples/deepseek-v3-pretrain.json", diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
    perf::HardwareProblem problem;
    const auto hw = perf::make_hardware(catalog, "hgx-h800-8", w->precision, problem);
    REQUIRE(hw);
    const auto found = search::search_training(perf::make_training_model(*w), *hw, 2048, {}, 1);
    REQUIRE(!found.best.empty());
    const double per_gpu = found.best.front().estimate.tokens_per_s / 2048;
    // DeepSeek's 1,543 tokens/s per GPU (180K GPU-hours per trillion tokens).
    const double excess = per_gpu / 1543 - 1;
    MESSAGE("searched best ", found.best.front().layout.str(), ": ", per_gpu, " tokens/s per GPU, ", excess * 100,
            "% over DeepSeek's recipe");
    CHECK(excess < kSearchOverRecipeBound);
    CHECK(excess > -kMoeTrainingBound);  // and the recipe itself is predicted within bounds (training runs above)
  }

  TEST_CASE("a 4T dense model on 100,000 H100 runs at the MFU large runs report, not above") {
    util::RealFileSystem fs;
    util::Diagnostics diagnostics;
    const auto catalog = specs::load_catalog(fs, {kRoot + "/hw_specs"}, diagnostics);
    const auto w = workload::load_workload(fs, kRoot + "/examples/us-frontier-4t-pretrain.json", diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
    perf::HardwareProblem problem;
    const auto hw = perf::make_hardware(catalog, "hgx-h100-8", w->precision, problem);
    REQUIRE(hw);
    const auto found = search::search_training(perf::make_training_model(*w), *hw, 100000, {}, 1);
    REQUIRE(!found.best.empty());
    const double mfu = found.best.front().estimate.mfu;
    MESSAGE("4T dense on 100,000 H100: MFU ", mfu * 100, "% at ", found.best.front().layout.str());
    // Published runs at 10K+ GPUs report 38-55% (issue 10); the model gave 63.5% before stragglers.
    CHECK(mfu > 0.38);
    CHECK(mfu < 0.55);
  }

}
