#include "perf/inference.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "perf/inference_memory.h"
#include "perf/inference_step.h"

namespace planner::perf {

namespace {

double bytes_per_element(specs::Precision p) {
  switch (p) {
    case specs::Precision::fp8:
    case specs::Precision::int8: return 1;
    case specs::Precision::fp4: return 0.5;
    default: return 2;
  }
}

// Relative spread of the KV length of sequences in flight: the prompt plus a
// uniformly spread decode position, sd = output / sqrt(12).
double context_cv(const workload::InferenceJob& job) {
  const double mean = job.input_tokens + job.output_tokens / 2.0;
  return job.output_tokens / std::sqrt(12.0) / mean;
}

// One iteration of `sequences` decoding sequences, each verifying
// 1 + draft_tokens tokens, plus `prompt_tokens` of chunked prefill sharing
// the weights read; the draft runs draft_tokens times over draft_layers.
StepTime decode_step(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l, double sequences,
                     double kv_read_per_chip, double prompt_tokens) {
  const auto& job = m.job;
  const double hit = job.prefix_cache_hit_rate;
  StepInput in;
  in.decode_tokens = sequences * (1 + job.draft_tokens);
  in.prefill_tokens = prompt_tokens;
  in.decode_context = job.input_tokens + job.output_tokens / 2.0;
  in.prefill_context = job.input_tokens * (hit + (1 - hit) / 2);
  in.kv_bytes_per_chip = kv_read_per_chip;
  const double ranks = static_cast<double>(l.replica_chips()) / l.tp;
  in.attention_imbalance = attention_dp_imbalance(sequences / ranks, ranks, context_cv(job));
  StepTime t = forward_step(m, hw, l, in);
  if (job.draft_tokens > 0 && job.draft_layers > 0) {
    StepInput draft = in;
    draft.decode_tokens = sequences;
    draft.prefill_tokens = 0;
    const StepTime d = forward_step(m, hw, l, draft);
    const double share = job.draft_tokens * job.draft_layers / m.costs.layers;
    t.dense_gemm_s += share * d.dense_gemm_s;
    t.expert_gemm_s += share * d.expert_gemm_s;
    t.attention_s += share * d.attention_s;
    t.fixed_s += share * d.fixed_s;
    t.tp_comm_s += share * d.tp_comm_s;
    t.exchange_exposed_s += share * d.exchange_exposed_s;
  }
  return t;
}

// A prefill pass of `tokens` new prompt tokens on `busy` attention-DP ranks;
// with a prefix-cache hit the new tokens attend to the cached part too.
double prefill_pass_s(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l, double tokens,
                      double busy) {
  const double hit = m.job.prefix_cache_hit_rate;
  StepInput in;
  in.prefill_tokens = tokens;
  in.busy_ranks = busy;
  in.prefill_context = m.job.input_tokens * (hit + (1 - hit) / 2);
  return forward_step(m, hw, l, in).total_s();
}

// TTFT of one prompt alone at this parallelism: its new tokens on one
// attention-DP rank, in passes of at most the per-device chunk.
double one_prompt_s(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l, double chunk_tokens) {
  const double new_tokens = std::max(1.0, m.job.input_tokens * (1 - m.job.prefix_cache_hit_rate));
  const double passes = std::ceil(new_tokens / chunk_tokens);
  return passes * prefill_pass_s(m, hw, l, new_tokens / passes, 1);
}

}  // namespace

double shared_params(const TransformerCosts& c) {
  return c.layers * c.attention.params() + c.dense_layers * c.dense_ffn.params() +
         c.moe_layers * (c.shared_ffn.params() + c.router_params) +
         (c.tied_embeddings ? 1 : 2) * c.embedding_params;
}

double dense_gemm_params(const TransformerCosts& c) {
  return shared_params(c) - (c.tied_embeddings ? 0 : c.embedding_params);
}

Placement place_experts(const TransformerCosts& c, const InferenceLayout& l) {
  if (c.moe_layers == 0) return {};
  if (l.ep > 1) return {std::ceil(static_cast<double>(c.experts + l.redundant_experts) / l.ep), 1};
  return {static_cast<double>(c.experts), static_cast<double>(l.tp)};
}

InferenceModel make_inference_model(const workload::Workload& w) {
  InferenceModel m;
  m.costs = transformer_costs(w.model);
  m.job = w.inference;
  m.weight_bytes = bytes_per_element(w.precision);
  m.expert_weight_bytes = bytes_per_element(w.inference.expert_precision.value_or(w.precision));
  m.kv_bytes = bytes_per_element(w.inference.kv_precision);
  m.fp8_attention = bytes_per_element(w.inference.attention_precision) < 2;
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
  if (l.redundant_experts > 0 && l.ep <= 1)
    return fmt::format("redundant={} needs expert parallelism (ep > 1)", l.redundant_experts);
  return "";
}

InferenceEstimate evaluate_inference(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l) {
  InferenceEstimate e;
  const auto& job = m.job;
  if (!inference_layout_problem(m, l).empty()) {
    e.rejection = Rejection::divisibility;
    return e;
  }
  const double R = l.replica_chips();
  const double ranks = R / l.tp;  // attention data-parallel ranks
  const double chunk = l.chunk > 0 ? l.chunk : hw.prefill_tokens_per_device;
  const auto memory = serving_memory(m, hw, l, chunk);
  e.weights_bytes_per_chip = memory.weights_bytes;
  e.kv_bytes_per_chip = memory.kv_bytes;
  e.workspace_bytes_per_chip = memory.workspace_bytes;
  e.memory_bytes_per_chip = memory.total();
  e.usable_memory_bytes = hw.hbm_bytes;
  if (e.memory_bytes_per_chip > hw.hbm_bytes) {
    e.rejection = Rejection::memory;
    return e;
  }
  // Decode alone: one step emits tokens_per_step tokens for each sequence.
  const double sequences = l.batch;
  const StepTime decode = decode_step(m, hw, l, sequences, memory.kv_read_bytes, 0);
  e.decode_step_s = decode.total_s();
  e.decode_floor_s = decode.fixed_s;
  e.decode_exchange_exposed_s = decode.exchange_exposed_s;
  const double emitted = sequences * job.tokens_per_step;
  e.decode_tokens_per_s_per_chip = emitted / e.decode_step_s / R;
  // Prefill alone: every rank runs a full per-device chunk each pass.
  const double pass_tokens = chunk * ranks;
  const double pass_s = prefill_pass_s(m, hw, l, pass_tokens, ranks);
  e.prefill_tokens_per_s_per_chip = pass_tokens / pass_s / R;
  const double new_prompt_tokens = job.input_tokens * (1 - job.prefix_cache_hit_rate);
  const double prefill_chip_s = new_prompt_tokens / e.prefill_tokens_per_s_per_chip;
  const double decode_chip_s = job.output_tokens / e.decode_tokens_per_s_per_chip;
  e.prefill_share = prefill_chip_s / (prefill_chip_s + decode_chip_s);
  const double alone_s = one_prompt_s(m, hw, l, chunk);
  if (l.disagg) {
    // Separate pools: each request costs chip time in both.
    e.output_tokens_per_s_per_chip = job.output_tokens / (prefill_chip_s + decode_chip_s);
    e.tpot_ms = e.decode_step_s / job.tokens_per_step * 1e3;
    e.ttft_ms = alone_s * 1e3;
  } else {
    // Chunked prefill: each iteration carries the decode step and the prompt
    // tokens that keep the batch full, new_prompt x emitted / output_tokens,
    // sharing one read of the weights. A prompt waits behind the chunk in
    // progress, for the prefill's share of the time.
    const double prefill_per_iteration = new_prompt_tokens * emitted / job.output_tokens;
    const double iteration_s =
        decode_step(m, hw, l, sequences, memory.kv_read_bytes, prefill_per_iteration).total_s();
    e.output_tokens_per_s_per_chip = emitted / iteration_s / R;
    e.tpot_ms = iteration_s / job.tokens_per_step * 1e3;
    const double wait_s = e.prefill_share * std::min(pass_s, iteration_s) * (sequences - 1) / sequences;
    // The prompt's passes ride in iterations that also run the decode step.
    const double passes = std::ceil(std::max(1.0, new_prompt_tokens) / chunk);
    e.ttft_ms = (alone_s + passes * (e.decode_step_s - decode.fixed_s) + wait_s) * 1e3;
  }
  e.slo_missed = (job.tpot_ms && e.tpot_ms > *job.tpot_ms) || (job.ttft_ms && e.ttft_ms > *job.ttft_ms);
  return e;
}

}  // namespace planner::perf
