#include "perf/inference.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "perf/collectives.h"

namespace planner::perf {

namespace {

// Prompt tokens processed together in one prefill pass when the TTFT target
// allows: enough rows to make the GEMMs compute-bound on every chip listed.
constexpr double kPrefillChunkTokens = 16384;
// Bytes per element of activations exchanged between chips.
constexpr double kActivationBytes = 2;

double bytes_per_element(specs::Precision p) {
  switch (p) {
    case specs::Precision::fp8:
    case specs::Precision::int8: return 1;
    case specs::Precision::fp4: return 0.5;
    default: return 2;
  }
}

// Parameters every chip of a TP group reads per step, divided by tp. Tied
// input and output embeddings are one matrix, stored once.
double shared_params(const TransformerCosts& c) {
  return c.layers * c.attention.params() + c.dense_layers * c.dense_ffn.params() +
         c.moe_layers * (c.shared_ffn.params() + c.router_params) +
         (c.tied_embeddings ? 1 : 2) * c.embedding_params;
}

struct Placement {
  double local_experts = 0;   // routed experts held by one chip
  double expert_split = 1;    // TP split of each expert when experts are not spread
};

Placement place_experts(const TransformerCosts& c, const InferenceLayout& l) {
  if (c.moe_layers == 0) return {};
  if (l.ep > 1) return {std::ceil(static_cast<double>(c.experts) / l.ep), 1};
  return {static_cast<double>(c.experts), static_cast<double>(l.tp)};
}

// Time for one forward pass over `tokens` tokens on one replica (per chip),
// `context` tokens attended on average, with the weights read once.
struct Pass {
  double compute_s = 0;
  double comm_s = 0;
};

Pass forward_pass(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l, double tokens,
                  double context, double kv_bytes_read_per_chip, bool decode) {
  const auto& c = m.costs;
  const double R = l.replica_chips();
  const Placement p = place_experts(c, l);
  // Expected routed experts touched per chip: each of the replica's tokens picks top_k.
  double expert_bytes = 0;
  if (c.moe_layers > 0) {
    const double touched = 1 - std::pow(1 - static_cast<double>(c.top_k) / c.experts, tokens);
    expert_bytes = c.moe_layers * p.local_experts * touched * c.expert_ffn.params() / p.expert_split * m.weight_bytes;
  }
  const double weight_bytes = shared_params(c) / l.tp * m.weight_bytes + expert_bytes;
  const double gemm_flops = 2 * (c.active_params() - c.embedding_params) * tokens / R;
  const double per_context = decode ? c.decode_attention_flops_per_context : c.attention_core_flops_per_context;
  const double attention_flops = c.layers * per_context * context * tokens / R;
  Pass pass;
  pass.compute_s = std::max(gemm_flops / hw.matmul_flops, weight_bytes / hw.hbm_bytes_per_s) +
                   std::max(attention_flops / hw.attention_flops, kv_bytes_read_per_chip / hw.hbm_bytes_per_s);
  // TP: two all-reduces per layer over the tokens a TP group holds.
  const double group_tokens = tokens * l.tp / R;
  const Link tp_link = group_link(hw, l.tp, 1);
  pass.comm_s = c.layers * 2 * ring_all_reduce_time(group_tokens * c.hidden * kActivationBytes, l.tp, tp_link);
  // EP: dispatch and combine per MoE layer, overlapped with the other
  // micro-batch's compute (two-batch overlap); the excess is exposed.
  if (c.moe_layers > 0 && l.ep > 1) {
    const Link ep_link = group_link(hw, l.ep, 1);
    const double per_chip_tokens = tokens / R;
    const double bytes = per_chip_tokens * c.top_k * c.hidden * (m.weight_bytes + kActivationBytes);
    const double a2a = c.moe_layers * (all_to_all_time(bytes, l.ep, ep_link) + ep_link.latency_s);
    pass.comm_s += std::max(0.0, a2a - pass.compute_s);
  }
  return pass;
}

}  // namespace

InferenceModel make_inference_model(const workload::Workload& w) {
  InferenceModel m;
  m.costs = transformer_costs(w.model);
  m.job = w.inference;
  m.weight_bytes = bytes_per_element(w.precision);
  m.kv_bytes = m.weight_bytes < 2 ? 1 : 2;
  m.prefill_flops_per_token = m.costs.forward_flops_per_token(w.inference.input_tokens / 2.0);
  return m;
}

std::string inference_layout_problem(const InferenceModel& model, const InferenceLayout& l) {
  const auto heads = static_cast<long long>(model.costs.heads);
  if (heads % l.tp != 0) return fmt::format("tp={} does not divide the {} attention heads", l.tp, heads);
  if (l.ep > 1 && model.costs.moe_layers == 0) return fmt::format("ep={} needs a mixture-of-experts model", l.ep);
  if (l.ep > 1 && l.ep % l.tp != 0) return fmt::format("ep={} is not a multiple of tp={}", l.ep, l.tp);
  // A chip of the expert-parallel group without a routed expert does no expert
  // work, and place_experts would still give it one: more chips than experts is no layout.
  if (l.ep > 1 && l.ep > model.costs.experts)
    return fmt::format("ep={} spreads the {} routed experts over more chips than there are experts", l.ep,
                       model.costs.experts);
  return "";
}

InferenceEstimate evaluate_inference(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l) {
  InferenceEstimate e;
  const auto& c = m.costs;
  const auto& job = m.job;
  if (!inference_layout_problem(m, l).empty()) {
    e.rejection = Rejection::divisibility;
    return e;
  }
  const double R = l.replica_chips();
  const Placement p = place_experts(c, l);
  // Memory: weights, then the KV cache of the sequences each chip attends to.
  const double expert_params = c.moe_layers * p.local_experts * c.expert_ffn.params() / p.expert_split;
  e.weights_bytes_per_chip = (shared_params(c) / l.tp + expert_params) * m.weight_bytes;
  const double kv_split = std::max(1.0, std::min<double>(l.tp, c.kv_heads));
  const double kv_per_token = c.layers * c.kv_elements_per_token_per_layer * m.kv_bytes / kv_split;
  // Attention is data-parallel across TP groups; in doubles, since batch x tp may pass 2^31.
  const double sequences_per_chip = static_cast<double>(l.batch) * l.tp / R;
  const double max_context = job.input_tokens + job.output_tokens;
  e.kv_bytes_per_chip = sequences_per_chip * max_context * kv_per_token;
  e.memory_bytes_per_chip = e.weights_bytes_per_chip + e.kv_bytes_per_chip;
  e.usable_memory_bytes = hw.hbm_bytes;
  if (e.memory_bytes_per_chip > hw.hbm_bytes) {
    e.rejection = Rejection::memory;
    return e;
  }
  // Decode: one step emits tokens_per_step tokens for each of `batch` sequences.
  const double mean_context = job.input_tokens + job.output_tokens / 2.0;
  const double step_tokens = l.batch * job.tokens_per_step;
  const double kv_read = sequences_per_chip * mean_context * kv_per_token;
  const Pass decode = forward_pass(m, hw, l, step_tokens, mean_context, kv_read, true);
  e.decode_step_s = decode.compute_s + decode.comm_s;
  e.decode_tokens_per_s_per_chip = step_tokens / e.decode_step_s / R;
  // Prefill: prompts in chunks of about kPrefillChunkTokens, or one prompt
  // when the TTFT target needs it.
  const double prompts_per_chunk = std::max(1.0, std::floor(kPrefillChunkTokens / std::max(1, job.input_tokens)));
  auto prefill_time = [&](double prompts) {
    const Pass pass = forward_pass(m, hw, l, prompts * job.input_tokens, job.input_tokens / 2.0, 0, false);
    return pass.compute_s + pass.comm_s;
  };
  double chunk = prompts_per_chunk;
  double chunk_s = prefill_time(chunk);
  if (job.ttft_ms && chunk_s * 1e3 > *job.ttft_ms && chunk > 1) {
    chunk = 1;
    chunk_s = prefill_time(1);
  }
  e.ttft_ms = chunk_s * 1e3;
  e.prefill_tokens_per_s_per_chip = chunk * job.input_tokens / chunk_s / R;
  // End to end: each request costs chip time for its prompt and its output.
  const double prefill_chip_s = job.input_tokens / e.prefill_tokens_per_s_per_chip;
  const double decode_chip_s = job.output_tokens / e.decode_tokens_per_s_per_chip;
  e.prefill_share = prefill_chip_s / (prefill_chip_s + decode_chip_s);
  e.output_tokens_per_s_per_chip = job.output_tokens / (prefill_chip_s + decode_chip_s);
  // Colocated prefill stalls decode steps; disaggregated pools do not.
  const double tpot_s = e.decode_step_s / job.tokens_per_step / (l.disagg ? 1.0 : 1.0 - e.prefill_share);
  e.tpot_ms = tpot_s * 1e3;
  e.slo_missed = (job.tpot_ms && e.tpot_ms > *job.tpot_ms) || (job.ttft_ms && e.ttft_ms > *job.ttft_ms);
  return e;
}

}  // namespace planner::perf
