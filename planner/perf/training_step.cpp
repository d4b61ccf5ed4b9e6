// Seconds per optimizer step of a training layout: per-layer compute and
// tensor-, context- and expert-parallel exchanges, pipeline transfers and
// bubble, data-parallel gradient exchange and the optimizer update.
#include <algorithm>
#include <cmath>

#include "perf/collectives.h"
#include "perf/training_parts.h"

namespace planner::perf::detail {

double gemm_time(const GemmList& list, double m, int tp, const Hardware& hw, double scale) {
  double t = 0;
  for (int i = 0; i < list.size; ++i) {
    const Gemm& g = list.items[static_cast<std::size_t>(i)];
    const double k = g.split == Split::row ? g.k / tp : g.k;
    const double n = (g.split == Split::column ? g.n / tp : g.n) * scale;
    const double flops = 2 * m * k * n;
    const double bytes = (m * k + k * n + m * n) * hw.bytes_per_weight;
    t += std::max(flops / hw.matmul_flops, bytes / hw.hbm_bytes_per_s);
  }
  return t;
}

namespace {

// Forward GEMM time of one layer for `tokens` rows per chip.
double forward_gemm_time(const TransformerCosts& c, const Hardware& hw, const TrainingLayout& l, double tokens,
                         bool moe) {
  double fwd = gemm_time(c.attention, tokens, l.tp, hw);
  if (!moe) return fwd + gemm_time(c.dense_ffn, tokens, l.tp, hw);
  if (c.shared_ffn.size > 0) fwd += gemm_time(c.shared_ffn, tokens, l.tp, hw);
  fwd += 2 * tokens * c.hidden * c.experts / hw.matmul_flops / l.tp;  // router
  // Each chip runs experts/ep experts (TP-split when ep = 1) on the tokens routed to them.
  const double local_experts = static_cast<double>(c.experts) / l.ep;
  const double rows_per_expert = tokens / l.tp * l.ep * c.top_k / c.experts;
  if (l.ep > 1) fwd += local_experts * gemm_time(c.expert_ffn, rows_per_expert, 1, hw);
  else fwd += local_experts * gemm_time(c.expert_ffn, tokens * c.top_k / c.experts, l.tp, hw);
  return fwd;
}

}  // namespace

LayerTimes layer_times(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l, bool moe) {
  const auto& c = model.costs;
  const double tokens = l.mb * model.seq_len / l.cp;  // GEMM rows per micro-batch per chip
  const double tp_shard = l.tp;
  LayerTimes t;
  const double fwd = forward_gemm_time(c, hw, l, tokens, moe);
  const double attention_core =
      tokens * c.attention_core_flops_per_context * (model.seq_len / 2) / l.tp / hw.attention_flops;
  double elementwise_bytes = moe ? c.moe_layer_elementwise_bytes : c.dense_layer_elementwise_bytes;
  if (!model.flash_attention) elementwise_bytes += c.attention_score_traffic_per_context * model.seq_len;
  const double elementwise = tokens * elementwise_bytes / tp_shard / hw.hbm_bytes_per_s;
  const double backward_attention = (model.flash_attention ? kFlashBackwardFactor : 2.0) * attention_core;
  t.compute = 3 * (fwd + elementwise) + attention_core + backward_attention;
  if (l.recompute == Recompute::full) t.compute += fwd + elementwise + attention_core;
  if (l.recompute == Recompute::selective) t.compute += elementwise + (model.flash_attention ? 0 : attention_core);

  // Tensor parallel: an all-gather and a reduce-scatter (or one all-reduce
  // without SP) around attention and around the dense FFN, forward and backward.
  const Link tp_link = group_link(hw, l.tp, 1);
  const double activation_bytes = tokens * c.hidden * kCommBytes;
  const int tp_collectives = (moe && l.ep > 1) ? 2 : 4;
  const int passes = l.recompute == Recompute::full ? 3 : 2;
  t.tp = passes * tp_collectives * ring_gather_time(activation_bytes, l.tp, tp_link);

  // Context parallel: KV chunks pass around the ring, hidden behind attention.
  if (l.cp > 1) {
    const Link cp_link = group_link(hw, l.cp, l.tp);
    const double kv_split = std::max(1.0, std::min<double>(l.tp, c.kv_heads));
    const double kv_bytes = tokens * c.kv_elements_per_token_per_layer * kCommBytes / kv_split;
    const double fwd_comm = (l.cp - 1) * (kv_bytes / cp_link.bytes_per_s + cp_link.latency_s);
    t.cp = std::max(0.0, fwd_comm - attention_core) + std::max(0.0, 2 * fwd_comm - backward_attention);
  }
  // Expert parallel: dispatch and combine all-to-alls, forward and backward.
  if (moe && l.ep > 1) {
    const Link ep_link = group_link(hw, l.ep, l.tp);
    const double dispatch_bytes = tokens / tp_shard * c.top_k * c.hidden * hw.bytes_per_weight;
    const double combine_bytes = tokens / tp_shard * c.top_k * c.hidden * kCommBytes;
    const double a2a = 2 * (all_to_all_time(dispatch_bytes, l.ep, ep_link) + all_to_all_time(combine_bytes, l.ep, ep_link));
    // Dispatch and combine of one micro-batch run while another computes
    // (DeepSeek-V3 report section 3.2.1, DualPipe; Megatron-Core's EP
    // all-to-all overlap): only what exceeds the layer's compute is exposed.
    t.ep = std::max(0.0, a2a - t.compute);
  }
  return t;
}

namespace {

// Data parallel: reduce-scatter gradients and all-gather weights (an
// all-reduce's volume); ZeRO-3 gathers weights once more for the backward.
// Then the Adam update over the chip's (ZeRO-1-sharded) parameters.
void dp_and_optimizer_time(const Hardware& hw, const TrainingLayout& l, const StageParams& p, TrainingTime& t) {
  const double grad_volume = l.zero >= 3 ? 1.5 : 1.0;
  const Link dp_link = group_link(hw, static_cast<long long>(p.dp_ranks), l.tp);
  const Link edp_link = group_link(hw, static_cast<long long>(p.expert_dp_ranks), static_cast<long long>(l.tp) * l.ep);
  const double dp_comm =
      grad_volume *
      (ring_all_reduce_time((p.dense + p.head) * kCommBytes, static_cast<long long>(p.dp_ranks), dp_link) +
       ring_all_reduce_time(p.expert * kCommBytes, static_cast<long long>(p.expert_dp_ranks), edp_link));
  t.dp_comm = dp_comm * (1 - hw.dp_overlap);
  const double shard = l.zero >= 1 ? 1.0 : 0.0;
  t.optimizer = ((p.dense + p.head) / (shard ? p.dp_ranks : 1) + p.expert / (shard ? p.expert_dp_ranks : 1)) *
                kOptimizerTrafficBytes / hw.hbm_bytes_per_s;
}

}  // namespace

TrainingTime step_time(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l,
                       const StageShape& stage, const StageParams& p, long long microbatches) {
  const auto& c = model.costs;
  // Time of one micro-batch on the slowest stage.
  const LayerTimes dense = layer_times(model, hw, l, false);
  const LayerTimes moe = c.moe_layers > 0 ? layer_times(model, hw, l, true) : LayerTimes{};
  const double tokens = l.mb * model.seq_len / l.cp;
  GemmList head;
  head.add(c.hidden, c.vocab, Split::column);
  const double head_time = 3 * gemm_time(head, tokens, l.tp, hw);
  auto stage_sum = [&](double dense_part, double moe_part) {
    const double fullest = stage.dense_layers * dense_part + stage.moe_layers * moe_part;
    const double average = (c.dense_layers * dense_part + c.moe_layers * moe_part) / l.pp;
    return std::max(fullest, average);
  };
  const double compute = stage_sum(dense.compute, moe.compute) + head_time / l.pp;
  TrainingTime t;
  const auto mbs = static_cast<double>(microbatches);
  t.compute = compute * mbs;
  t.tp_comm = stage_sum(dense.tp, moe.tp) * mbs;
  t.cp_comm = stage_sum(dense.cp, moe.cp) * mbs;
  t.ep_comm = stage_sum(0, moe.ep) * mbs;
  if (l.pp > 1) {
    const Link pp_link = group_link(hw, 2, static_cast<long long>(l.tp) * l.cp * l.dp);
    const double bytes = tokens * c.hidden * kCommBytes / (l.sp ? l.tp : 1);
    t.pp_comm = 2.0 * l.vp * (bytes / pp_link.bytes_per_s + pp_link.latency_s) * mbs;
  }
  const double per_microbatch = (t.compute + t.tp_comm + t.cp_comm + t.ep_comm + t.pp_comm) / mbs;
  t.pp_bubble = (l.pp - 1.0) / l.vp * per_microbatch;
  dp_and_optimizer_time(hw, l, p, t);
  return t;
}

}  // namespace planner::perf::detail
