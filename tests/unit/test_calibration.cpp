// The accuracy test: every published run in tests/calibration is predicted
// with its published layout and compared with what was measured. The table
// this prints is the README's accuracy table. Each case fails past a bound
// stated below, with the reason for the bound; a case marked "fitted" is the
// one a constant was calibrated on (hw_specs/model/constants.json) and is
// held to a tight bound only to catch drift.

#include <cmath>
#include <cstdio>
#include <string>

#include <doctest/doctest.h>

#include "perf/hardware.h"
#include "perf/inference.h"
#include "perf/training.h"
#include "specs/catalog.h"
#include "workload/loader.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

// Dense training on NVIDIA parts: the aim, met by every dense case.
constexpr double kDenseTrainingBound = 0.15;
// MoE training: routing imbalance, DualPipe's schedule and FP8 kernels are
// modelled coarsely (see README); DeepSeek-V3 is the only public MoE case.
constexpr double kMoeTrainingBound = 0.30;
// Serving: frameworks differ by up to 2x on the same hardware, the MLPerf
// prompt length is an estimate, and the AMD efficiency source is secondary.
constexpr double kServingBound = 0.40;
// A case a constant was fitted on must stay where the fit put it.
constexpr double kFittedBound = 0.05;

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
                                    "model TFLOPS per GPU", e.tflops_per_chip, 430, "out of sample");
        CHECK(std::fabs(error) < kDenseTrainingBound);
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
      const auto e = perf::evaluate_training(model, c.hw, training_layout(8, 1, 124, 1, 1, perf::Recompute::full, 3));
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
    {
      // DeepSeek-V3 on 2,048 H800: PP16, EP64, ZeRO-1 DP (TP1); 180K GPU-hours
      // per trillion tokens = 1,543 tokens/s per GPU. Micro-batch not published.
      auto c = load("deepseek-v3.json", "h800-sxm");
      const auto model = perf::make_training_model(c.workload);
      const auto e = perf::evaluate_training(model, c.hw, training_layout(1, 16, 128, 1, 1, perf::Recompute::none, 1, 64),
                                             /*stop_at_memory=*/false);
      CHECK(std::fabs(report("deepseek-v3", "tokens/s per GPU", e.tokens_per_s / 2048, 1543, "out of sample")) <
            kMoeTrainingBound);
    }
  }

  TEST_CASE("serving runs are predicted within their bounds") {
    {
      // CloudMatrix-384 decode: EP over 160 chips (320 dies), batch 96 per
      // chip, INT8, 4K context, TPOT under 50 ms: 1,943 tokens/s per NPU.
      auto c = load("cloudmatrix-r1-decode.json", "cloudmatrix-384");
      const auto model = perf::make_inference_model(c.workload);
      const auto e = perf::evaluate_inference(model, c.hw, {1, 160, 96 * 160, true});
      REQUIRE(e.rejection == perf::Rejection::none);
      CHECK(std::fabs(report("cloudmatrix-r1-decode", "decode tokens/s per chip", e.decode_tokens_per_s_per_chip, 1943,
                             "fitted (Ascend factor)")) < kFittedBound);
      CHECK(e.tpot_ms < 50);
    }
    {
      // CloudMatrix-384 prefill, 4K prompts, 16 chips per instance: 6,688
      // tokens/s per NPU with perfect expert balance.
      auto c = load("cloudmatrix-r1-prefill.json", "cloudmatrix-384");
      const auto model = perf::make_inference_model(c.workload);
      const auto e = perf::evaluate_inference(model, c.hw, {1, 16, 1, true});
      REQUIRE(e.rejection == perf::Rejection::none);
      CHECK(std::fabs(report("cloudmatrix-r1-prefill", "prefill tokens/s per chip", e.prefill_tokens_per_s_per_chip,
                             6688, "out of sample")) < kServingBound);
    }
    {
      // MLPerf Inference v4.1, Llama 2 70B offline on 8 MI300X: 23,514
      // tokens/s per system; one model copy per GPU, batch at the memory limit.
      auto c = load("mi300x-llama2-70b.json", "mi300x");
      const auto model = perf::make_inference_model(c.workload);
      double best = 0;
      for (int batch = 16; batch <= 4096; batch *= 2) {
        const auto e = perf::evaluate_inference(model, c.hw, {1, 1, batch, true});
        if (e.rejection == perf::Rejection::none) best = std::max(best, e.output_tokens_per_s_per_chip);
      }
      CHECK(std::fabs(report("mi300x-llama2-70b", "output tokens/s per 8 GPUs", 8 * best, 23514, "out of sample")) <
            kServingBound);
    }
  }
}
