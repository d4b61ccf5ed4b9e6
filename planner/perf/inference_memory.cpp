#include "perf/inference_memory.h"

#include <algorithm>

namespace planner::perf {

namespace {

// Activations live at BF16; logits at FP32.
constexpr double kActivationBytes = 2;
constexpr double kLogitBytes = 4;
// Live activations per row: the residual stream, the normed input, the
// attention output and the all-reduce buffer (4 x hidden), plus the widest
// FFN intermediate twice (gate and up).
constexpr double kResidualCopies = 4;
constexpr double kIntermediateCopies = 2;

}  // namespace

ServingMemory serving_memory(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l,
                             double chunk_tokens) {
  const auto& c = m.costs;
  const auto& job = m.job;
  ServingMemory out;
  const double R = l.replica_chips();
  const Placement p = place_experts(c, l);
  const double expert_params = c.moe_layers * p.local_experts * c.expert_ffn.params() / p.expert_split;
  out.weights_bytes = shared_params(c) / l.tp * m.weight_bytes + expert_params * m.expert_weight_bytes;
  const double kv_split = std::max(1.0, std::min<double>(l.tp, c.kv_heads));
  const double kv_per_token = c.layers * c.kv_elements_per_token_per_layer * m.kv_bytes / kv_split;
  // Attention is data-parallel across TP groups; in doubles, since batch x tp may pass 2^31.
  const double sequences_per_chip = static_cast<double>(l.batch) * l.tp / R;
  // Paged KV cache: sequences in flight hold what they have so far, on
  // average the prompt and half the output; at least one full sequence.
  const double mean_context = job.input_tokens + job.output_tokens / 2.0;
  const double held = std::max(sequences_per_chip * mean_context, job.input_tokens + job.output_tokens + 0.0);
  out.kv_bytes = held * kv_per_token;
  out.kv_read_bytes = sequences_per_chip * mean_context * kv_per_token;
  // Rows of the largest step on one TP group: a decode step (drafts
  // included), or a prefill chunk where this replica runs prefill.
  const double decode_rows = static_cast<double>(l.batch) * (1 + job.draft_tokens) * l.tp / R;
  const double rows = std::max(decode_rows, chunk_tokens);
  const double widest = std::max<double>(c.dense_layers > 0 ? c.dense_ffn.params() / c.hidden / 3 : 0,
                                         c.moe_layers > 0 ? c.top_k * c.expert_ffn.params() / c.hidden / 3 : 0);
  const double per_row = kResidualCopies * c.hidden + kIntermediateCopies * widest / l.tp;
  out.workspace_bytes = rows * per_row * kActivationBytes + decode_rows * c.vocab / l.tp * kLogitBytes +
                        hw.serving_workspace_bytes;
  return out;
}

}  // namespace planner::perf
