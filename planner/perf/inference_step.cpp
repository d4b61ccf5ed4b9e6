#include "perf/inference_step.h"

#include <algorithm>
#include <cmath>

#include "perf/collectives.h"
#include "perf/expert_exchange.h"
#include "perf/serving_exchange.h"

namespace planner::perf {

namespace {

// Bytes per element of activations exchanged in TP all-reduces (BF16).
constexpr double kActivationBytes = 2;

}  // namespace

double gemm_time(const Hardware& hw, double compute_s, double weight_read_s) {
  return std::max(compute_s, weight_read_s) + (1 - hw.gemm_overlap) * std::min(compute_s, weight_read_s);
}

double ep_load_imbalance(const Hardware& hw, double rows_per_rank, int ep, int redundant_experts) {
  if (ep <= 1 || rows_per_rank <= 0) return 1;
  // The balancer's redundant copies (one per rank as deployed by DeepSeek
  // and SGLang) are what the measured skew assumes; fewer leave more of it.
  const double coverage = std::min(1.0, static_cast<double>(redundant_experts) / ep);
  const double skew = 1 + (hw.ep_hot_expert_imbalance - 1) * (2 - coverage);
  return skew * (1 + std::sqrt(2 * std::log(static_cast<double>(ep)) / rows_per_rank));
}

double attention_dp_imbalance(double sequences_per_rank, double ranks, double context_cv) {
  if (ranks <= 1 || sequences_per_rank <= 0) return 1;
  return 1 + context_cv * std::sqrt(2 * std::log(ranks) / sequences_per_rank);
}

StepTime forward_step(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l, const StepInput& in) {
  const auto& c = m.costs;
  StepTime t;
  const double R = l.replica_chips();
  const double dp_ranks = R / l.tp;
  const double busy = in.busy_ranks > 0 ? std::min(in.busy_ranks, dp_ranks) : dp_ranks;
  // Two-batch overlap (EP): two micro-batches, each reading the weights.
  const bool overlap = l.ep > 1;
  const double reads = overlap ? 2 : 1;
  const double group_rows = in.tokens() / busy;  // rows of each dense GEMM on a busy TP group
  // Dense part: everything but the routed experts and the input embedding lookup.
  const double dense_params = dense_gemm_params(c) / l.tp;
  t.dense_gemm_s = gemm_time(hw, 2 * dense_params * group_rows / hw.matmul_flops,
                             reads * dense_params * m.weight_bytes / hw.hbm_bytes_per_s);
  // Routed experts on the busiest EP rank.
  if (c.moe_layers > 0) {
    const Placement p = place_experts(c, l);
    const double pairs = in.tokens() * c.top_k;  // token-expert pairs in the replica
    const double ranks = l.ep > 1 ? l.ep : 1;
    const double imbalance = ep_load_imbalance(hw, pairs / ranks, l.ep, l.redundant_experts);
    const double touched = 1 - std::pow(1 - static_cast<double>(c.top_k) / c.experts, in.tokens() / reads);
    const double expert_params = c.expert_ffn.params() / p.expert_split;
    const double flops = 2 * c.moe_layers * expert_params * pairs / ranks * imbalance;
    const double bytes = reads * c.moe_layers * p.local_experts * touched * expert_params * m.expert_weight_bytes;
    t.expert_gemm_s = gemm_time(hw, flops / hw.matmul_flops, bytes / hw.hbm_bytes_per_s);
    // Exchange: each chip of a busy group dispatches 1/tp of the group's tokens.
    ExchangeInput x;
    x.tokens_per_chip = group_rows / l.tp;
    x.hidden = c.hidden;
    x.top_k = c.top_k;
    x.ep = l.ep;
    x.low_latency = in.decode_tokens > 0;  // decode engines run the low-latency kernels
    x.receive_imbalance = imbalance;
    t.exchange_s = c.moe_layers * expert_exchange_time(hw, x);
  }
  // Attention core per busy chip: decode tokens read the KV cache (MLA in
  // its absorbed form), prompt tokens attend within their prompt.
  const double decode_flops = c.layers * c.decode_attention_flops_per_context * in.decode_context *
                              in.decode_tokens / busy / l.tp;
  const double prefill_flops = c.layers * c.attention_core_flops_per_context * in.prefill_context *
                               in.prefill_tokens / busy / l.tp;
  const double attention_rate = m.fp8_attention ? hw.attention_fp8_flops : hw.attention_flops;
  t.attention_s = std::max(decode_flops / attention_rate, in.kv_bytes_per_chip / hw.hbm_bytes_per_s) *
                      in.attention_imbalance +
                  prefill_flops / attention_rate;
  t.fixed_s = c.layers * hw.layer_fixed_s;
  if (l.tp > 1) {
    const Link link = group_link(hw, l.tp, 1);
    t.tp_comm_s = c.layers * 2 * all_reduce_time(group_rows * c.hidden * kActivationBytes, l.tp, link);
  }
  // Two-batch overlap hides the exchange of one micro-batch behind the
  // other's compute, at most the ep_overlap share of it (the same bound as
  // training's micro-batch overlap, perf/expert_exchange.h); the rest, and
  // what is longer than the compute, stays exposed.
  t.exchange_exposed_s = overlap ? exposed_expert_exchange(hw, t.exchange_s, t.compute_s()) : t.exchange_s;
  return t;
}

}  // namespace planner::perf
