#pragma once
// The serving model: for one workload, chip and replica layout, the memory
// each chip needs, the prefill pass, the decode step (perf/inference_step.h:
// GEMMs, attention, fixed per-layer costs, collectives, expert exchange),
// TTFT and TPOT, and the output tokens/s per chip of the whole deployment,
// prefill included. Colocated serving mixes prefill chunks into the decode
// iterations; disaggregated pools run them apart.

#include <cstdint>

#include "perf/hardware.h"
#include "perf/layout.h"
#include "perf/training.h"
#include "perf/transformer.h"

namespace planner::perf {

struct InferenceModel {
  TransformerCosts costs;
  workload::InferenceJob job;
  double weight_bytes = 2;         // per parameter at the workload precision
  double expert_weight_bytes = 2;  // per routed-expert parameter (expert_precision, else the workload's)
  double kv_bytes = 2;             // per KV-cache element at kv_precision (BF16 unless stated)
  bool fp8_attention = false;      // attention kernels at FP8 (attention_precision fp8 or int8)
  double prefill_flops_per_token = 0;  // forward, causal attention over the prompt
};

InferenceModel make_inference_model(const workload::Workload& w);

struct InferenceEstimate {
  Rejection rejection = Rejection::none;
  // Why a layout was rejected beyond memory: the TTFT or TPOT target cannot be met.
  bool slo_missed = false;
  double weights_bytes_per_chip = 0;
  double kv_bytes_per_chip = 0;
  double workspace_bytes_per_chip = 0;  // activations of the largest step, graph pools, buffers
  double memory_bytes_per_chip = 0;
  double usable_memory_bytes = 0;
  double decode_step_s = 0;      // one decode step of the whole batch (draft included), no prefill
  double decode_floor_s = 0;     // the fixed per-layer costs alone: no step is faster
  double decode_exchange_exposed_s = 0;  // expert exchange left exposed in a decode step
  double tpot_ms = 0;            // as users see it, prefill interference included
  double ttft_ms = 0;
  double prefill_tokens_per_s_per_chip = 0;  // a chip doing only prefill
  double decode_tokens_per_s_per_chip = 0;   // a chip doing only decode at this batch
  double output_tokens_per_s_per_chip = 0;   // end to end, prefill included
  double prefill_share = 0;      // fraction of chip time spent on prefill
};

InferenceEstimate evaluate_inference(const InferenceModel& model, const Hardware& hw, const InferenceLayout& layout);

// The first rule an inference layout breaks, or "" (tp must divide heads).
std::string inference_layout_problem(const InferenceModel& model, const InferenceLayout& layout);

// Where a layout puts the routed experts.
struct Placement {
  double local_experts = 0;   // routed experts held by one chip, redundant copies included
  double expert_split = 1;    // TP split of each expert when experts are not spread
};
Placement place_experts(const TransformerCosts& c, const InferenceLayout& l);

// Parameters every chip of a TP group holds, times tp: attention, dense and
// shared FFNs, routers, embeddings (tied ones once).
double shared_params(const TransformerCosts& c);
// The GEMM part of shared_params: without the input embedding (a lookup).
double dense_gemm_params(const TransformerCosts& c);

}  // namespace planner::perf
