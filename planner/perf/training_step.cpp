// Seconds per optimizer step of a training layout: per-layer compute and
// tensor-, context- and expert-parallel exchanges, pipeline transfers and
// bubble, data-parallel gradient exchange and the optimizer update.
#include <algorithm>
#include <cmath>

#include "perf/collectives.h"
#include "perf/expert_exchange.h"
#include "perf/scale_effects.h"
#include "perf/training_parts.h"

namespace planner::perf::detail {

namespace {

// Bytes per element of an FP8 cast: read BF16 (2), write FP8 (1).
constexpr double kFp8CastBytes = 3;
// Casts per linear-layer input element: the input in the forward, the output
// gradient in the backward (the transposed copy for wgrad fused with it).
constexpr double kFp8CastsPerElement = 2;

// Each GEMM at the longer of its compute and its operand traffic, plus the
// share (1 - overlap) of the shorter that the kernel does not hide.
double roofline(const GemmList& list, double m, int tp, double flops_per_s, double bytes_per_element,
                double hbm_bytes_per_s, double scale, double overlap = 1) {
  double t = 0;
  for (int i = 0; i < list.size; ++i) {
    const Gemm& g = list.items[static_cast<std::size_t>(i)];
    const double k = g.split == Split::row ? g.k / tp : g.k;
    const double n = (g.split == Split::column ? g.n / tp : g.n) * scale;
    const double flops = 2 * m * k * n;
    const double bytes = (m * k + k * n + m * n) * bytes_per_element;
    const double compute = flops / flops_per_s, traffic = bytes / hbm_bytes_per_s;
    t += std::max(compute, traffic) + (1 - overlap) * std::min(compute, traffic);
  }
  return t;
}

double input_elements(const GemmList& list) {
  double sum = 0;
  for (int i = 0; i < list.size; ++i) sum += list.items[static_cast<std::size_t>(i)].k;
  return sum;
}

}  // namespace

double gemm_time(const GemmList& list, double m, int tp, const Hardware& hw, double scale) {
  return roofline(list, m, tp, hw.training_matmul_flops, hw.bytes_per_weight, hw.hbm_bytes_per_s, scale);
}

double grouped_expert_gemm_time(const GemmList& list, double rows, int tp, const Hardware& hw) {
  return roofline(list, rows, tp, hw.training_matmul_flops, hw.bytes_per_weight, hw.hbm_bytes_per_s, 1,
                  hw.gemm_overlap);
}

double bf16_gemm_time(const GemmList& list, double m, int tp, const Hardware& hw) {
  if (hw.bytes_per_weight >= 2) return gemm_time(list, m, tp, hw);
  return roofline(list, m, tp, hw.training_bf16_matmul_flops, 2, hw.hbm_bytes_per_s, 1);
}

double fp8_cast_bytes_per_token(const TransformerCosts& c, const Hardware& hw, bool moe) {
  if (hw.bytes_per_weight >= 2) return 0;
  double elements = input_elements(c.attention);
  if (moe) elements += input_elements(c.shared_ffn) + c.top_k * input_elements(c.expert_ffn);
  else elements += input_elements(c.dense_ffn);
  return kFp8CastBytes * kFp8CastsPerElement * elements;
}

namespace {

// Forward GEMM time of one layer for `tokens` rows per chip.
double forward_gemm_time(const TransformerCosts& c, const Hardware& hw, const TrainingLayout& l, double tokens,
                         bool moe) {
  double fwd = gemm_time(c.attention, tokens, l.tp, hw);
  if (!moe) return fwd + gemm_time(c.dense_ffn, tokens, l.tp, hw);
  if (c.shared_ffn.size > 0) fwd += gemm_time(c.shared_ffn, tokens, l.tp, hw);
  fwd += 2 * tokens * c.hidden * c.experts / hw.training_bf16_matmul_flops / l.tp;  // router, in BF16
  // Each chip runs experts/ep experts (TP-split when ep = 1 or etp = tp) on
  // the tokens routed to them; the busiest expert rank sets the pace. Each
  // rank dispatches its tokens / tp (sequence parallel); with etp = tp the
  // tensor-parallel group then gathers what its ranks received, so each runs
  // all of them on its slice of the expert FFN.
  const double local_experts = static_cast<double>(c.experts) / l.ep;
  if (l.ep > 1) {
    const double mean_rows = tokens / l.tp * l.etp * l.ep * c.top_k / c.experts;
    const double rows = grouped_gemm_rows(hw, mean_rows, routing_load_ratio(c, hw));
    return fwd + local_experts * grouped_expert_gemm_time(c.expert_ffn, rows, l.etp, hw);
  }
  const double rows = grouped_gemm_rows(hw, tokens * c.top_k / c.experts, 1);
  return fwd + local_experts * grouped_expert_gemm_time(c.expert_ffn, rows, l.tp, hw);
}

}  // namespace

TokenIo moe_token_io_bytes(const TransformerCosts& c, const Hardware& hw, int ep) {
  TokenIo io;
  if (c.moe_layers == 0 || c.top_k == 0) return io;
  const double copies = static_cast<double>(c.top_k) * c.hidden;  // elements per token, k copies
  // Sorting by local expert after the dispatch (and back before the combine)
  // only where the exchange delivers to a rank holding several experts.
  const double sort = ep > 1 && c.experts > ep ? 1.0 : 0.0;
  const double dispatch_passes = 2 + 2 * sort;  // permute, sort: a read and a write each
  const double combine_passes = 2 * sort + 1;   // unsort; unpermute reads k copies, writes one
  io.forward = copies * (dispatch_passes * hw.bytes_per_weight + combine_passes * kCommBytes) + c.hidden * kCommBytes;
  io.backward = copies * (dispatch_passes + combine_passes + 1) * kCommBytes + c.hidden * kCommBytes;
  return io;
}

LayerTimes layer_times(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l, bool moe) {
  const auto& c = model.costs;
  const double tokens = l.mb * model.seq_len / l.cp;  // GEMM rows per micro-batch per chip
  const double tp_shard = l.tp;
  LayerTimes t;
  const double fwd = forward_gemm_time(c, hw, l, tokens, moe);
  const double attention_core =
      tokens * c.attention_core_flops_per_context * (model.seq_len / 2) / l.tp / hw.attention_flops;
  double elementwise_bytes = moe ? c.moe_layer_elementwise_bytes : c.dense_layer_elementwise_bytes;
  elementwise_bytes += fp8_cast_bytes_per_token(c, hw, moe);
  if (!model.flash_attention) elementwise_bytes += c.attention_score_traffic_per_context * model.seq_len;
  const double elementwise = tokens * elementwise_bytes / tp_shard / hw.hbm_bytes_per_s;
  const double backward_attention = (model.flash_attention ? kFlashBackwardFactor : 2.0) * attention_core;
  t.compute = 3 * (fwd + elementwise) + attention_core + backward_attention;
  double token_io_forward = 0;
  if (moe) {
    const TokenIo io = moe_token_io_bytes(c, hw, l.ep);
    token_io_forward = tokens * io.forward / tp_shard / hw.hbm_bytes_per_s;
    t.compute += token_io_forward + tokens * io.backward / tp_shard / hw.hbm_bytes_per_s;
  }
  if (l.recompute == Recompute::full) t.compute += fwd + elementwise + attention_core + token_io_forward;
  // Selective recompute re-runs the norms, activation functions and MLA's
  // up-projections (and the attention core without FlashAttention).
  if (l.recompute == Recompute::selective)
    t.compute += elementwise + gemm_time(c.mla_up_projection, tokens, l.tp, hw) +
                 (model.flash_attention ? 0 : attention_core);

  // Tensor parallel: an all-gather and a reduce-scatter (or one all-reduce
  // without SP) around attention and around the dense FFN, forward and backward.
  const Link tp_link = group_link(hw, l.tp, 1);
  const double activation_bytes = tokens * c.hidden * kCommBytes;
  const int tp_collectives = (moe && l.ep > 1) ? 2 : 4;
  const int passes = l.recompute == Recompute::full ? 3 : 2;
  t.tp = passes * tp_collectives * ring_gather_time(activation_bytes, l.tp, tp_link);
  // TP-split experts under expert parallelism (etp = tp): the group gathers
  // the top-k copies its ranks received before the expert FFN and
  // reduce-scatters the outputs before the combine (Megatron-Core's
  // all-to-all dispatcher with expert TP), each buffer k times the load.
  if (moe && l.ep > 1 && l.etp > 1)
    t.tp += passes * 2 * ring_gather_time(activation_bytes * c.top_k * routing_load_ratio(c, hw), l.etp, tp_link);

  // Context parallel: KV chunks pass around the ring, hidden behind attention.
  if (l.cp > 1) {
    const Link cp_link = group_link(hw, l.cp, l.tp);
    // Per-head keys and values split over TP with the heads (MLA's up-projected heads are TP-split too).
    const double kv_split = std::max(1.0, std::min<double>(l.tp, c.kv_heads > 1 ? c.kv_heads : c.heads));
    const double kv_bytes = tokens * c.cp_kv_elements_per_token_per_layer * kCommBytes / kv_split;
    const double fwd_comm = (l.cp - 1) * (kv_bytes / cp_link.bytes_per_s + cp_link.latency_s);
    t.cp = std::max(0.0, fwd_comm - attention_core) + std::max(0.0, 2 * fwd_comm - backward_attention);
  }
  // Expert parallel: dispatch (at the GEMM precision) and combine (BF16)
  // all-to-alls, forward and backward, paced by the busiest rank.
  if (moe && l.ep > 1) {
    const double sent = tokens / tp_shard;
    const long long stride = expert_rank_stride(l);
    const double a2a = 2 * routing_load_ratio(c, hw) *
                       (expert_all_to_all_time(hw, l.ep, stride, sent, c.top_k, c.hidden * hw.bytes_per_weight) +
                        expert_all_to_all_time(hw, l.ep, stride, sent, c.top_k, c.hidden * kCommBytes));
    const double overlap = l.schedule == Schedule::dualpipe ? hw.ep_overlap : hw.ep_overlap_1f1b;
    t.ep = l.a2a_overlap ? exposed_expert_exchange(overlap, a2a, t.compute) : a2a;
  }
  return t;
}

namespace {

// Data parallel: reduce-scatter gradients and all-gather weights once per
// step (an all-reduce's volume). ZeRO-3 (FSDP) holds no full weights between
// uses: every micro-batch all-gathers them for its forward and its backward
// and reduce-scatters its gradients. Then the Adam update over the chip's
// (ZeRO-1-sharded) parameters.
//
// What the overlap can hide is bounded by the compute it hides behind, as
// engines schedule it (Megatron-Core's --overlap-grad-reduce and
// --overlap-param-gather; PyTorch DDP's bucketed reduce): gradients are
// accumulated over the micro-batches and reduced in buckets during the last
// micro-batch's backward, and the weights are gathered during the next
// step's first forward. With an interleaved schedule each of the vp model
// chunks syncs on its own after its last backward, so the reduction of the
// first chunks hides behind the cool-down of the others: on the last pipeline
// rank, the one that finishes last, Megatron-Core's interleaved schedule
// warms up with (vp - 1) x pp chunk forwards (schedules.py,
// num_warmup_microbatches), as many chunk backwards cool down, so the
// exchange hides behind 1 + (vp - 1) pp / vp micro-batches of the stage's
// compute. ZeRO-3 gathers and reduces around every micro-batch and hides
// behind all of them.
double exposed_dp_exchange(const Hardware& hw, const TrainingLayout& l, double dp_comm, double microbatch_compute_s,
                           double microbatches) {
  const double chunks = l.zero >= 3 ? microbatches
                                    : std::min(microbatches, 1 + (l.vp - 1.0) * l.pp / l.vp);
  const double window = microbatch_compute_s * chunks;
  return std::max(dp_comm * (1 - hw.dp_overlap), dp_comm - window);
}

void dp_and_optimizer_time(const Hardware& hw, const TrainingLayout& l, const StageParams& p, double microbatches,
                           double microbatch_compute_s, TrainingTime& t) {
  const double volume = l.zero >= 3 ? 1.5 * microbatches : 1.0;
  // Ranks are ordered tp, cp, dp (Megatron-Core's order): a DP group's
  // members are tp x cp apart, an expert-DP group's ep x its stride.
  const double dp_comm =
      volume * (hierarchical_all_reduce_time(hw, (p.dense + p.head) * kCommBytes, static_cast<long long>(p.dp_ranks),
                                             static_cast<long long>(l.tp) * l.cp) +
                hierarchical_all_reduce_time(hw, p.expert * kCommBytes, static_cast<long long>(p.expert_dp_ranks),
                                             l.ep > 1 ? expert_rank_stride(l) * l.ep : static_cast<long long>(l.tp) * l.cp));
  t.dp_comm = exposed_dp_exchange(hw, l, dp_comm, microbatch_compute_s, microbatches);
  const double shard = l.zero >= 1 ? 1.0 : 0.0;
  // BF16 moments are priced at the FP32 traffic: they save memory, and a mode
  // the search tries for memory is never faster than the one before it.
  t.optimizer = ((p.dense + p.head) / (shard ? p.dp_ranks : 1) + p.expert / (shard ? p.expert_dp_ranks : 1)) *
                kOptimizerTrafficBytes / hw.hbm_bytes_per_s;
}

// One multi-token prediction module per micro-batch, forward and backward:
// the projection of [hidden; embedding] (2h x h), one more layer like the
// model's last, and the shared output head (DeepSeek-V3 report section 2.2).
double mtp_module_time(const TransformerCosts& c, const Hardware& hw, const TrainingLayout& l, double tokens,
                       double head_time, const LayerTimes& layer) {
  GemmList projection;
  projection.add(2 * c.hidden, c.hidden, Split::none);
  return 3 * gemm_time(projection, tokens, l.tp, hw) + layer.compute + head_time;
}

// Compute per micro-batch of the slowest pipeline stage. The output head and
// the MTP modules run on the last stage and cannot be split across stages: the
// engine gives that stage fewer layers (DeepSeek-V3's and Megatron-Core's
// custom stage layouts), so the slowest stage takes the most of the fullest
// layer stage, an even share of all the work, and the head and MTP alone.
double slowest_stage_compute(double fullest_layers, double average_layers, double tail, int pp) {
  if (pp <= 1) return fullest_layers + tail;
  return std::max({fullest_layers, average_layers + tail / pp, tail});
}

}  // namespace

double pipeline_bubble(const TrainingLayout& l, double per_microbatch_s) {
  if (l.schedule == Schedule::dualpipe) {
    // (pp/2 - 1)(F&B + B - 3W) (DeepSeek-V3 report, Table 2), with F, B and W
    // a third, two thirds and a third of a micro-batch's time (the backward
    // twice the forward, its weight gradients half of it) and F&B, the
    // overlapped pair, their sum: (pp/2 - 1) x 2/3 of a micro-batch.
    return (l.pp / 2.0 - 1) * (2.0 / 3.0) * per_microbatch_s;
  }
  return (l.pp - 1.0) / l.vp * per_microbatch_s;  // 1F1B, interleaved over vp virtual stages
}

TrainingTime step_time(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l,
                       const StageShape& stage, const StageParams& p, long long microbatches) {
  const auto& c = model.costs;
  // Time of one micro-batch on the slowest stage.
  const LayerTimes dense = layer_times(model, hw, l, false);
  const LayerTimes moe = c.moe_layers > 0 ? layer_times(model, hw, l, true) : LayerTimes{};
  const double tokens = l.mb * model.seq_len / l.cp;
  GemmList head;
  head.add(c.hidden, c.vocab, Split::column);
  const double head_time = 3 * bf16_gemm_time(head, tokens, l.tp, hw);
  const double mtp_time = c.mtp_layers * mtp_module_time(c, hw, l, tokens, head_time, c.moe_layers > 0 ? moe : dense);
  auto stage_sum = [&](double dense_part, double moe_part) {
    const double fullest = stage.dense_layers * dense_part + stage.moe_layers * moe_part;
    const double average = (c.dense_layers * dense_part + c.moe_layers * moe_part) / l.pp;
    return std::max(fullest, average);
  };
  const double compute = slowest_stage_compute(stage_sum(dense.compute, moe.compute),
                                               (c.dense_layers * dense.compute + c.moe_layers * moe.compute) / l.pp,
                                               head_time + mtp_time, l.pp);
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
  t.pp_bubble = pipeline_bubble(l, per_microbatch);
  dp_and_optimizer_time(hw, l, p, mbs, compute, t);
  const double busy = t.compute + t.tp_comm + t.cp_comm + t.ep_comm + t.pp_comm + t.pp_bubble + t.dp_comm + t.optimizer;
  t.straggler = busy * straggler_slowdown(hw, static_cast<double>(l.chips()));
  return t;
}

}  // namespace planner::perf::detail
