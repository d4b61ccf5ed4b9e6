#pragma once
// One forward step of a serving replica: the time each chip spends on the
// GEMMs, the attention core, the fixed per-layer costs, the TP all-reduces
// and the part of the expert exchange that two-batch overlap does not hide.
// Used for decode steps, prefill passes and the colocated iterations that
// mix them.

#include "perf/hardware.h"
#include "perf/inference.h"
#include "perf/layout.h"

namespace planner::perf {

struct StepInput {
  double decode_tokens = 0;     // decode tokens in the step, over the replica (drafts included)
  double prefill_tokens = 0;    // prompt tokens in the step, over the replica
  double busy_ranks = 0;        // attention data-parallel ranks (TP groups) holding them; 0: all
  double decode_context = 0;    // mean tokens a decode token attends to
  double prefill_context = 0;   // mean tokens a prompt token attends to
  double kv_bytes_per_chip = 0; // KV cache read per chip by the decode tokens
  double attention_imbalance = 1;  // slowest attention-DP rank over the mean (decode)

  double tokens() const { return decode_tokens + prefill_tokens; }
};

struct StepTime {
  double dense_gemm_s = 0;   // attention projections, dense and shared FFNs, output head
  double expert_gemm_s = 0;  // routed experts on the busiest EP rank
  double attention_s = 0;    // attention core: FLOPs or KV-cache read, whichever binds
  double fixed_s = 0;        // layers x the family's fixed per-layer cost
  double tp_comm_s = 0;      // TP all-reduces, not overlapped
  double exchange_s = 0;     // EP dispatch + combine, in full
  double exchange_exposed_s = 0;  // the part two-batch overlap leaves exposed

  double compute_s() const { return dense_gemm_s + expert_gemm_s + attention_s; }
  double total_s() const { return compute_s() + fixed_s + tp_comm_s + exchange_exposed_s; }
};

// A GEMM's time from its compute and weight-read times: the longer, plus
// the part of the shorter the kernel does not overlap (gemm_overlap, fitted
// on DeepGEMM's sweep over rows per expert).
double gemm_time(const Hardware& hw, double compute_s, double weight_read_s);

// Busiest EP rank's routed load over the mean: the family's hot-expert
// skew (engine balancer on, fewer redundant experts raise it), times the
// statistical spread of Poisson arrivals, 1 + sqrt(2 ln(ep) / mean load).
double ep_load_imbalance(const Hardware& hw, double routed_rows_per_rank, int ep, int redundant_experts);

// Slowest attention-DP rank's KV read over the mean: sequences at uniformly
// spread decode positions, `n` per rank, relative spread cv, over `ranks`
// ranks: 1 + cv sqrt(2 ln(ranks) / n).
double attention_dp_imbalance(double sequences_per_rank, double ranks, double context_cv);

StepTime forward_step(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l, const StepInput& in);

}  // namespace planner::perf
