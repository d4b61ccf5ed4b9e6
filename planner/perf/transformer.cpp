#include "perf/transformer.h"

namespace planner::perf {

namespace {

// Bytes per stored activation element (BF16).
constexpr double kActivationBytes = 2;

void add_attention(const workload::ModelShape& m, TransformerCosts& c) {
  const double h = m.hidden;
  const double a = m.heads;
  if (m.attention == workload::Attention::mla && m.mla) {
    const auto& mla = *m.mla;
    const double qk_dim = mla.head_dim + mla.rope_dim;
    if (mla.q_lora_rank > 0) {
      c.attention.add(h, mla.q_lora_rank, Split::none);
      c.attention.add(mla.q_lora_rank, a * qk_dim, Split::column);
    } else {
      c.attention.add(h, a * qk_dim, Split::column);
    }
    c.attention.add(h, mla.kv_lora_rank + mla.rope_dim, Split::none);
    c.attention.add(mla.kv_lora_rank, a * (mla.head_dim + mla.head_dim), Split::column);
    c.attention.add(a * mla.head_dim, h, Split::row);
    c.attention_core_flops_per_context = 2 * a * qk_dim + 2 * a * mla.head_dim;
    c.decode_attention_flops_per_context = 2 * a * (mla.kv_lora_rank + mla.rope_dim) + 2 * a * mla.kv_lora_rank;
    c.kv_elements_per_token_per_layer = mla.kv_lora_rank + mla.rope_dim;
    c.cp_kv_elements_per_token_per_layer = a * (qk_dim + mla.head_dim);
    c.kv_heads = 1;
    // LN input, projection inputs, latents, Q, K, V, attention output.
    c.dense_layer_activation_bytes =
        kActivationBytes * (2 * h + mla.q_lora_rank * 2 + (mla.kv_lora_rank + mla.rope_dim) * 2 + a * qk_dim * 2 +
                            a * mla.head_dim * 2);
    c.dense_layer_elementwise_bytes = kActivationBytes * (20 * h + 4 * a * qk_dim);
    // Norm outputs (2h) and the up-projected Q, K, V; linear inputs: the
    // hidden state, both latents and the attention output.
    c.dense_layer_selective_bytes = kActivationBytes * (2 * h + a * qk_dim * 2 + a * mla.head_dim);
    c.dense_layer_linear_input_bytes =
        kActivationBytes * (h + mla.q_lora_rank + mla.kv_lora_rank + a * mla.head_dim);
    if (mla.q_lora_rank > 0) c.mla_up_projection.add(mla.q_lora_rank, a * qk_dim, Split::column);
    c.mla_up_projection.add(mla.kv_lora_rank, a * (mla.head_dim + mla.head_dim), Split::column);
  } else {
    const double d = m.head_dim();
    const double g = m.kv_heads;
    c.attention.add(h, (a + 2 * g) * d, Split::column);
    c.attention.add(a * d, h, Split::row);
    c.attention_core_flops_per_context = 4 * a * d;
    c.decode_attention_flops_per_context = c.attention_core_flops_per_context;
    c.kv_elements_per_token_per_layer = 2 * g * d;
    c.cp_kv_elements_per_token_per_layer = c.kv_elements_per_token_per_layer;
    c.kv_heads = g;
    // Korthikanti et al. 2022 terms, generalised to GQA: LN inputs (2 x 2h),
    // QKV input 2h, Q, K, V, attention output (= output-projection input).
    c.dense_layer_activation_bytes = kActivationBytes * (2 * h + h + a * d + 2 * g * d + a * d);
    c.dense_layer_elementwise_bytes = kActivationBytes * (20 * h + 4 * (a + g) * d);
    c.dense_layer_selective_bytes = kActivationBytes * 2 * h;        // norm outputs
    c.dense_layer_linear_input_bytes = kActivationBytes * (h + a * d);  // QKV and output-projection inputs
  }
  c.attention_score_bytes_per_context = 5 * a;  // Korthikanti: 5 a s^2 b over s b tokens
  c.attention_score_traffic_per_context = 11 * a;
  c.moe_layer_activation_bytes = c.dense_layer_activation_bytes;
  c.moe_layer_elementwise_bytes = c.dense_layer_elementwise_bytes;
  c.moe_layer_selective_bytes = c.dense_layer_selective_bytes;
  c.moe_layer_linear_input_bytes = c.dense_layer_linear_input_bytes;
}

// Of an FFN's stored bytes per token (see add_ffn): the activation-function
// output that selective recompute drops, and the linear-layer input.
double ffn_selective_bytes(double f) { return kActivationBytes * f; }
double ffn_linear_input_bytes(double h) { return kActivationBytes * h; }

// FFN GEMMs; returns stored activation bytes per token (input + intermediates)
// and adds the activation-function traffic to `elementwise`.
double add_ffn(GemmList& list, double h, double f, workload::FfnType type, double& elementwise) {
  if (type == workload::FfnType::swiglu) {
    list.add(h, 2 * f, Split::column);
    list.add(f, h, Split::row);
    elementwise += kActivationBytes * 3 * f;  // read gate and up, write product
    return kActivationBytes * (h + 3 * f);   // input, gate, up, product
  }
  list.add(h, f, Split::column);
  list.add(f, h, Split::row);
  elementwise += kActivationBytes * 2 * f;
  return kActivationBytes * (h + 2 * f);
}

}  // namespace

double GemmList::flops_per_token() const {
  double sum = 0;
  for (int i = 0; i < size; ++i) sum += 2 * items[static_cast<std::size_t>(i)].k * items[static_cast<std::size_t>(i)].n;
  return sum;
}

double GemmList::params() const { return flops_per_token() / 2; }

double TransformerCosts::total_params() const {
  return layers * attention.params() + dense_layers * dense_ffn.params() +
         moe_layers * (shared_ffn.params() + experts * expert_ffn.params() + router_params) +
         embedding_params * (tied_embeddings ? 1 : 2);
}

double TransformerCosts::active_params() const {
  return layers * attention.params() + dense_layers * dense_ffn.params() +
         moe_layers * (shared_ffn.params() + top_k * expert_ffn.params() + router_params) + embedding_params;
}

double TransformerCosts::forward_flops_per_token(double context) const {
  return 2 * active_params() + layers * attention_core_flops_per_context * context;
}

TransformerCosts transformer_costs(const workload::ModelShape& m) {
  TransformerCosts c;
  c.layers = m.layers;
  c.hidden = m.hidden;
  c.vocab = m.vocab;
  c.heads = m.heads;
  c.embedding_params = static_cast<double>(m.vocab) * m.hidden;
  c.tied_embeddings = m.tied_embeddings;
  c.mtp_layers = m.mtp_layers;
  add_attention(m, c);
  const double h = m.hidden;
  double dense_elementwise = 0;
  const double dense_ffn_bytes = add_ffn(c.dense_ffn, h, m.ffn_hidden, m.ffn_type, dense_elementwise);
  c.dense_layer_activation_bytes += dense_ffn_bytes;
  c.dense_layer_elementwise_bytes += dense_elementwise;
  c.dense_layer_selective_bytes += ffn_selective_bytes(m.ffn_hidden);
  c.dense_layer_linear_input_bytes += ffn_linear_input_bytes(h);
  if (m.moe) {
    const auto& moe = *m.moe;
    c.dense_layers = moe.dense_layers;
    c.moe_layers = m.layers - moe.dense_layers;
    c.experts = moe.experts;
    c.top_k = moe.top_k;
    c.capacity_factor = moe.capacity_factor;
    c.router_params = h * moe.experts;
    double expert_elementwise = 0;
    const double expert_bytes = add_ffn(c.expert_ffn, h, moe.expert_ffn_hidden, m.ffn_type, expert_elementwise);
    double shared_bytes = 0;
    double shared_elementwise = 0;
    if (moe.shared_experts > 0)
      shared_bytes = add_ffn(c.shared_ffn, h, static_cast<double>(moe.expert_ffn_hidden) * moe.shared_experts,
                             m.ffn_type, shared_elementwise);
    c.moe_layer_activation_bytes += moe.top_k * expert_bytes + shared_bytes;
    const double shared_width = static_cast<double>(moe.expert_ffn_hidden) * moe.shared_experts;
    c.moe_layer_selective_bytes += moe.top_k * ffn_selective_bytes(moe.expert_ffn_hidden) +
                                   (moe.shared_experts > 0 ? ffn_selective_bytes(shared_width) : 0);
    c.moe_layer_linear_input_bytes += moe.top_k * ffn_linear_input_bytes(h) +
                                      (moe.shared_experts > 0 ? ffn_linear_input_bytes(h) : 0);
    c.moe_layer_elementwise_bytes += moe.top_k * expert_elementwise + shared_elementwise;
  } else {
    c.dense_layers = m.layers;
    c.moe_layers = 0;
  }
  return c;
}

}  // namespace planner::perf
