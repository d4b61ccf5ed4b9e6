// Bytes per chip of a training layout: weights, gradients and optimizer state
// (ZeRO-sharded), and the activations of the micro-batches in flight.
#include <algorithm>

#include "perf/training_parts.h"

namespace planner::perf::detail {

namespace {

// Weights, gradients and optimizer bytes of `params` with the layout's ZeRO
// stage over d ranks.
void state_bytes(const TrainingLayout& l, double d, double params, TrainingMemory& m) {
  m.weights += params * kWeightBytes / (l.zero >= 3 ? d : 1);
  m.gradients += params * kGradientBytes / (l.zero >= 2 ? d : 1);
  m.optimizer += params * optimizer_bytes_per_param(l) / (l.zero >= 1 ? d : 1);
}

// Activation bytes one layer keeps for the backward, per micro-batch per chip.
double activation_bytes_per_layer(const TrainingModel& model, const TrainingLayout& l, bool moe) {
  const auto& c = model.costs;
  const double tokens = l.mb * model.seq_len / l.cp;
  if (l.recompute == Recompute::full) return tokens * c.hidden * kCommBytes / (l.sp ? l.tp : 1);
  double per_token = moe ? c.moe_layer_activation_bytes : c.dense_layer_activation_bytes;
  if (l.recompute == Recompute::selective) per_token -= moe ? c.moe_layer_selective_bytes : c.dense_layer_selective_bytes;
  if (l.fp8_activations) per_token -= (moe ? c.moe_layer_linear_input_bytes : c.dense_layer_linear_input_bytes) / 2;
  if (!model.flash_attention && l.recompute == Recompute::none)
    per_token += c.attention_score_bytes_per_context * model.seq_len / l.cp;
  double bytes = tokens * per_token / l.tp;
  // Without sequence parallelism the norm inputs (2 x 2h bytes) are replicated.
  if (!l.sp && l.tp > 1) bytes += tokens * 4 * c.hidden * (1 - 1.0 / l.tp);
  return bytes;
}

}  // namespace

double optimizer_bytes_per_param(const TrainingLayout& l) {
  return l.bf16_moments ? kOptimizerBytes - 2 * kBf16MomentSavingBytes : kOptimizerBytes;
}

StageParams stage_params(const TransformerCosts& c, const TrainingLayout& l, const StageShape& stage) {
  StageParams p;
  p.dense = (stage.dense_layers + stage.moe_layers) * c.attention.params() / l.tp +
            stage.dense_layers * c.dense_ffn.params() / l.tp +
            stage.moe_layers * (c.shared_ffn.params() / l.tp + c.router_params);
  // Experts whole on each of ep ranks (etp = 1), TP-split over etp x ep
  // (etp = tp), or TP-split alone without expert parallelism; the expert
  // data-parallel group is what remains of the ranks ep is laid over.
  p.expert = stage.moe_layers * c.experts * c.expert_ffn.params() /
             (l.ep > 1 ? static_cast<double>(l.ep) * l.etp : static_cast<double>(l.tp));
  p.head = c.embedding_params / l.tp;
  p.dp_ranks = static_cast<double>(l.dp) * l.cp;
  p.expert_dp_ranks = l.ep > 1 ? static_cast<double>(expert_rank_span(l)) / l.ep : p.dp_ranks;
  return p;
}

// Memory on the first stage (embedding, most micro-batches in flight) and the
// last (output head, logits); the fuller one decides.
TrainingMemory training_memory(const TrainingModel& model, const TrainingLayout& l, const StageShape& stage,
                               const StageParams& p, long long microbatches) {
  const auto& c = model.costs;
  TrainingMemory base;
  state_bytes(l, p.dp_ranks, p.dense, base);
  state_bytes(l, p.expert_dp_ranks, p.expert, base);
  double in_flight = l.pp == 1 ? 1.0
                                : std::min(static_cast<double>(microbatches), static_cast<double>(l.pp)) *
                                      (l.vp > 1 ? 1 + (l.pp - 1.0) / (l.pp * l.vp) : 1.0);
  if (l.schedule == Schedule::dualpipe) {
    // Two stages' weights and gradients per rank (DeepSeek-V3 report, Table 2:
    // 2x parameters; the optimizer state of a stage is sharded over the two
    // ranks holding it), and pp + 1 micro-batches in flight.
    base.weights *= 2;
    base.gradients *= 2;
    in_flight = std::min(static_cast<double>(microbatches), l.pp + 1.0);
  }
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
  state_bytes(l, p.dp_ranks, p.head, first);
  first.activations = stage_activations * in_flight + working_layer;
  TrainingMemory last = base;
  // The last stage holds the output head; tied to the input embedding, it is
  // still a second copy there (Megatron's shared embedding on both end stages).
  if (l.pp > 1) state_bytes(l, p.dp_ranks, p.head, last);
  else if (l.pp == 1 && !c.tied_embeddings) state_bytes(l, p.dp_ranks, p.head, first);
  const double logits = l.mb * model.seq_len / l.cp * c.vocab / l.tp * kLogitBytes;
  last.activations = stage_activations + working_layer + logits;
  if (l.pp == 1) first.activations += logits;
  TrainingMemory m = (l.pp == 1 || first.total() >= last.total()) ? first : last;
  if (l.zero >= 3) m.weights += 2 * (c.attention.params() + c.dense_ffn.params()) / l.tp * kWeightBytes;
  return m;
}

}  // namespace planner::perf::detail
