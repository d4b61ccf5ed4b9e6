#include "perf/training.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "perf/collectives.h"

namespace planner::perf {

namespace {

// Bytes per parameter of mixed-precision Adam state: BF16 weights (2), FP32
// gradient accumulation (4), FP32 master weights, momentum and variance (12).
// Megatron-LM distributed optimizer documentation: 18 bytes per parameter,
// 6 + 12/d with the optimizer sharded over d data-parallel ranks.
constexpr double kWeightBytes = 2;
constexpr double kGradientBytes = 4;
constexpr double kOptimizerBytes = 12;
// Bytes per element of activations exchanged between chips (BF16).
constexpr double kCommBytes = 2;
// FP32 logits kept for the loss on the last stage, per vocabulary entry per token.
constexpr double kLogitBytes = 4;
// FlashAttention's backward recomputes the scores: 2.5x the forward FLOPs
// (Dao 2023, FlashAttention-2, section 3.1: backward has 5 matmuls to forward's 2).
constexpr double kFlashBackwardFactor = 2.5;
// Adam update traffic per parameter: read and write master, m, v (24), read
// gradient (4), write BF16 weight (2).
constexpr double kOptimizerTrafficBytes = 30;

double ceil_div(double a, double b) { return std::ceil(a / b); }

// Roofline time of a GEMM list for m tokens, split by tp.
double gemm_time(const GemmList& list, double m, int tp, const Hardware& hw, double scale = 1) {
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

// Bytes per parameter for weights, gradients and optimizer with ZeRO stage z over d ranks.
void state_bytes(int zero, double d, double params, TrainingMemory& m) {
  m.weights += params * kWeightBytes / (zero >= 3 ? d : 1);
  m.gradients += params * kGradientBytes / (zero >= 2 ? d : 1);
  m.optimizer += params * kOptimizerBytes / (zero >= 1 ? d : 1);
}

struct StageShape {
  double dense_layers = 0;
  double moe_layers = 0;
};

// Layers on the fullest stage; MoE layers fill stages first since they are heavier.
StageShape fullest_stage(const TransformerCosts& c, int pp) {
  const double per_stage = ceil_div(c.layers, pp);
  StageShape s;
  s.moe_layers = std::min(per_stage, ceil_div(c.moe_layers, pp));
  s.dense_layers = per_stage - s.moe_layers;
  return s;
}

struct LayerTimes {
  double compute = 0;  // forward + backward + recompute
  double tp = 0;
  double cp = 0;
  double ep = 0;
};

LayerTimes layer_times(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l, bool moe) {
  const auto& c = model.costs;
  const double tokens = l.mb * model.seq_len / l.cp;  // GEMM rows per micro-batch per chip
  const double tp_shard = l.tp;
  LayerTimes t;
  // Forward compute.
  double fwd = gemm_time(c.attention, tokens, l.tp, hw);
  if (!moe) {
    fwd += gemm_time(c.dense_ffn, tokens, l.tp, hw);
  } else {
    if (c.shared_ffn.size > 0) fwd += gemm_time(c.shared_ffn, tokens, l.tp, hw);
    fwd += 2 * tokens * c.hidden * c.experts / hw.matmul_flops / l.tp;  // router
    // Each chip runs experts/ep experts (TP-split when ep = 1) on the tokens routed to them.
    const double local_experts = static_cast<double>(c.experts) / l.ep;
    const double rows_per_expert = tokens / tp_shard * l.ep * c.top_k / c.experts;
    if (l.ep > 1) fwd += local_experts * gemm_time(c.expert_ffn, rows_per_expert, 1, hw);
    else fwd += local_experts * gemm_time(c.expert_ffn, tokens * c.top_k / c.experts, l.tp, hw);
  }
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

double activation_bytes_per_layer(const TrainingModel& model, const TrainingLayout& l, bool moe) {
  const auto& c = model.costs;
  const double tokens = l.mb * model.seq_len / l.cp;
  if (l.recompute == Recompute::full) return tokens * c.hidden * kCommBytes / (l.sp ? l.tp : 1);
  double per_token = moe ? c.moe_layer_activation_bytes : c.dense_layer_activation_bytes;
  if (!model.flash_attention && l.recompute == Recompute::none)
    per_token += c.attention_score_bytes_per_context * model.seq_len / l.cp;
  double bytes = tokens * per_token / l.tp;
  // Without sequence parallelism the norm inputs (2 x 2h bytes) are replicated.
  if (!l.sp && l.tp > 1) bytes += tokens * 4 * c.hidden * (1 - 1.0 / l.tp);
  return bytes;
}

}  // namespace

std::string_view to_string(Rejection r) {
  switch (r) {
    case Rejection::none: return "none";
    case Rejection::divisibility: return "divisibility";
    case Rejection::batch: return "batch";
    case Rejection::memory: return "memory";
    case Rejection::slo: return "slo";
    case Rejection::count: break;
  }
  return "none";
}

TrainingModel make_training_model(const workload::Workload& w) {
  TrainingModel m;
  m.costs = transformer_costs(w.model);
  m.seq_len = w.training.seq_len;
  m.global_batch_tokens = w.training.global_batch_tokens;
  m.batch_sequences = std::floor(w.training.global_batch_tokens / w.training.seq_len);
  m.tokens = w.training.tokens;
  m.flash_attention = w.training.flash_attention;
  m.forward_flops_per_token = m.costs.forward_flops_per_token(m.seq_len / 2);
  m.attention_forward_flops_per_token = m.forward_flops_per_token - m.costs.forward_flops_per_token(0);
  m.model_flops_per_token = 3 * m.forward_flops_per_token;
  return m;
}

LayoutProblem first_problem(const TrainingModel& model, const TrainingLayout& l) {
  const auto& c = model.costs;
  if (static_cast<long long>(c.heads) % l.tp != 0) return LayoutProblem::tp_heads;
  if (l.pp > c.layers) return LayoutProblem::pp_layers;
  if (l.vp > 1 && l.pp == 1) return LayoutProblem::vp_without_pp;
  if (l.vp > ceil_div(c.layers, l.pp)) return LayoutProblem::vp_layers;
  if (static_cast<long long>(model.seq_len) % l.cp != 0) return LayoutProblem::cp_seq;
  if (l.ep > 1 && c.moe_layers == 0) return LayoutProblem::ep_dense;
  if (l.ep > 1 && c.experts % l.ep != 0) return LayoutProblem::ep_experts;
  if (l.ep > 1 && (static_cast<long long>(l.dp) * l.cp) % l.ep != 0) return LayoutProblem::ep_dp;
  if (static_cast<long long>(model.batch_sequences) % (static_cast<long long>(l.dp) * l.mb) != 0)
    return LayoutProblem::batch;
  return LayoutProblem::none;
}

std::string describe(LayoutProblem problem, const TrainingModel& model, const TrainingLayout& l) {
  const auto& c = model.costs;
  switch (problem) {
    case LayoutProblem::none: return "";
    case LayoutProblem::tp_heads:
      return fmt::format("tp={} does not divide the {} attention heads", l.tp, c.heads);
    case LayoutProblem::pp_layers: return fmt::format("pp={} exceeds the {} layers", l.pp, c.layers);
    case LayoutProblem::vp_without_pp: return fmt::format("vp={} needs pipeline parallelism (pp > 1)", l.vp);
    case LayoutProblem::vp_layers:
      return fmt::format("vp={} exceeds the {} layers per stage", l.vp, ceil_div(c.layers, l.pp));
    case LayoutProblem::cp_seq: return fmt::format("cp={} does not divide the sequence length {}", l.cp, model.seq_len);
    case LayoutProblem::ep_dense: return fmt::format("ep={} needs a mixture-of-experts model", l.ep);
    case LayoutProblem::ep_experts: return fmt::format("ep={} does not divide the {} experts", l.ep, c.experts);
    case LayoutProblem::ep_dp:
      return fmt::format("ep={} does not divide dp x cp = {}", l.ep, static_cast<long long>(l.dp) * l.cp);
    case LayoutProblem::batch:
      return fmt::format("the global batch of {} sequences does not split into dp={} replicas of micro-batches of {}",
                         model.batch_sequences, l.dp, l.mb);
  }
  return "";
}

TrainingEstimate evaluate_training(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l,
                                   bool stop_at_memory) {
  TrainingEstimate e;
  const auto& c = model.costs;
  if (const auto problem = first_problem(model, l); problem != LayoutProblem::none) {
    e.rejection = problem == LayoutProblem::batch ? Rejection::batch : Rejection::divisibility;
    return e;
  }
  const auto batch = static_cast<long long>(model.batch_sequences);
  const long long m = batch / (static_cast<long long>(l.dp) * l.mb);
  e.microbatches = m;

  // Memory on the first stage (embedding, most micro-batches in flight) and the
  // last (output head, logits); the fuller one decides.
  const StageShape stage = fullest_stage(c, l.pp);
  const double dense_params = (stage.dense_layers + stage.moe_layers) * c.attention.params() / l.tp +
                              stage.dense_layers * c.dense_ffn.params() / l.tp +
                              stage.moe_layers * (c.shared_ffn.params() / l.tp + c.router_params);
  const double expert_params =
      stage.moe_layers * c.experts * c.expert_ffn.params() / (l.ep > 1 ? l.ep : l.tp);
  const double head_params = c.embedding_params / l.tp;
  const double dp_ranks = static_cast<double>(l.dp) * l.cp;
  const double expert_dp_ranks = dp_ranks / l.ep;
  TrainingMemory base;
  state_bytes(l.zero, dp_ranks, dense_params, base);
  state_bytes(l.zero, expert_dp_ranks, expert_params, base);
  const double in_flight = l.pp == 1 ? 1.0
                                      : std::min(static_cast<double>(m), static_cast<double>(l.pp)) *
                                            (l.vp > 1 ? 1 + (l.pp - 1.0) / (l.pp * l.vp) : 1.0);
  const double stage_activations = stage.dense_layers * activation_bytes_per_layer(model, l, false) +
                                   stage.moe_layers * activation_bytes_per_layer(model, l, true);
  // Full recompute keeps one layer's activations live while it is recomputed.
  double working_layer = 0;
  if (l.recompute == Recompute::full) {
    TrainingLayout stored = l;
    stored.recompute = Recompute::none;
    working_layer = activation_bytes_per_layer(model, stored, stage.moe_layers > 0);
  }
  TrainingMemory first = base;
  state_bytes(l.zero, dp_ranks, head_params, first);
  first.activations = stage_activations * in_flight + working_layer;
  TrainingMemory last = base;
  // The last stage holds the output head; tied to the input embedding, it is
  // still a second copy there (Megatron's shared embedding on both end stages).
  if (l.pp > 1) state_bytes(l.zero, dp_ranks, head_params, last);
  else if (l.pp == 1 && !c.tied_embeddings) state_bytes(l.zero, dp_ranks, head_params, first);
  const double logits = l.mb * model.seq_len / l.cp * c.vocab / l.tp * kLogitBytes;
  last.activations = stage_activations + working_layer + logits;
  if (l.pp == 1) first.activations += logits;
  e.memory = (l.pp == 1 || first.total() >= last.total()) ? first : last;
  if (l.zero >= 3) e.memory.weights += 2 * (c.attention.params() + c.dense_ffn.params()) / l.tp * kWeightBytes;
  e.usable_memory_bytes = hw.hbm_bytes;
  if (e.memory.total() > hw.hbm_bytes) {
    e.rejection = Rejection::memory;
    if (stop_at_memory) return e;
  }

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
  TrainingTime& t = e.time;
  const auto mbs = static_cast<double>(m);
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

  // Data parallel: reduce-scatter gradients and all-gather weights (an
  // all-reduce's volume); ZeRO-3 gathers weights once more for the backward.
  const double grad_volume = l.zero >= 3 ? 1.5 : 1.0;
  const Link dp_link = group_link(hw, static_cast<long long>(dp_ranks), l.tp);
  const Link edp_link = group_link(hw, static_cast<long long>(expert_dp_ranks), static_cast<long long>(l.tp) * l.ep);
  const double dp_comm =
      grad_volume *
      (ring_all_reduce_time((dense_params + head_params) * kCommBytes, static_cast<long long>(dp_ranks), dp_link) +
       ring_all_reduce_time(expert_params * kCommBytes, static_cast<long long>(expert_dp_ranks), edp_link));
  t.dp_comm = dp_comm * (1 - hw.dp_overlap);
  const double shard = l.zero >= 1 ? 1.0 : 0.0;
  t.optimizer = ((dense_params + head_params) / (shard ? dp_ranks : 1) + expert_params / (shard ? expert_dp_ranks : 1)) *
                kOptimizerTrafficBytes / hw.hbm_bytes_per_s;

  e.step_time_s = t.compute + t.tp_comm + t.cp_comm + t.ep_comm + t.pp_comm + t.pp_bubble + t.dp_comm + t.optimizer;
  e.tokens_per_s = model.batch_sequences * model.seq_len / e.step_time_s;
  const double chips = static_cast<double>(l.chips());
  e.tflops_per_chip = e.tokens_per_s * model.model_flops_per_token / chips / 1e12;
  e.mfu = e.tflops_per_chip * 1e12 / hw.peak_flops;
  double recomputed = 0;
  if (l.recompute == Recompute::full) recomputed = model.forward_flops_per_token;
  if (l.recompute == Recompute::selective && !model.flash_attention) recomputed = model.attention_forward_flops_per_token;
  e.hardware_tflops_per_chip = e.tokens_per_s * (model.model_flops_per_token + recomputed) / chips / 1e12;
  e.goodput = goodput(hw, chips);
  e.days = model.tokens / e.tokens_per_s / e.goodput / 86400;
  return e;
}

}  // namespace planner::perf
