#pragma once
// The serving model: for one workload, chip and replica layout, the memory
// each chip needs, prefill throughput, decode step time (a roofline over the
// weights and KV cache read each step, plus collectives), TTFT and TPOT, and
// the output tokens/s per chip of the whole deployment, prefill included.

#include <cstdint>

#include "perf/hardware.h"
#include "perf/layout.h"
#include "perf/training.h"
#include "perf/transformer.h"

namespace planner::perf {

struct InferenceModel {
  TransformerCosts costs;
  workload::InferenceJob job;
  double weight_bytes = 2;  // per parameter at the workload precision
  double kv_bytes = 2;      // per KV-cache element: 1 at FP8/INT8, else 2
  double prefill_flops_per_token = 0;  // forward, causal attention over the prompt
};

InferenceModel make_inference_model(const workload::Workload& w);

struct InferenceEstimate {
  Rejection rejection = Rejection::none;
  // Why a layout was rejected beyond memory: the TTFT or TPOT target cannot be met.
  bool slo_missed = false;
  double weights_bytes_per_chip = 0;
  double kv_bytes_per_chip = 0;
  double memory_bytes_per_chip = 0;
  double usable_memory_bytes = 0;
  double decode_step_s = 0;
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

}  // namespace planner::perf
