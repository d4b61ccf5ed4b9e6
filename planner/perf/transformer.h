#pragma once
// A transformer's costs derived from its shape, once per workload: the GEMMs
// of each layer kind, parameters, attention-core FLOPs, KV-cache and stored
// activation sizes. Everything is per token and before any parallel split;
// the training and inference models apply the layout.

#include <array>

#include "workload/workload.h"

namespace planner::perf {

// How tensor parallelism splits a GEMM: column-parallel splits the output
// width n, row-parallel splits the reduction k, replicated GEMMs are not split.
enum class Split { column, row, none };

// One GEMM per token: a (1 x k) row times a (k x n) weight.
struct Gemm {
  double k = 0;
  double n = 0;
  Split split = Split::none;
};

// The GEMMs of one part of a layer; at most kMaxGemms.
struct GemmList {
  static constexpr int kMaxGemms = 6;
  std::array<Gemm, kMaxGemms> items{};
  int size = 0;

  void add(double k, double n, Split split) { items[static_cast<std::size_t>(size++)] = {k, n, split}; }
  double flops_per_token() const;  // 2 k n summed, unsplit
  double params() const;           // k n summed
};

struct TransformerCosts {
  int layers = 0;
  int dense_layers = 0;  // layers with a dense FFN (all of them for a dense model)
  int moe_layers = 0;
  double hidden = 0;
  double vocab = 0;
  double heads = 0;
  double kv_heads = 0;   // heads of the KV cache that TP can split (1 for MLA's shared latent)

  GemmList attention;    // projections in and out of attention
  GemmList dense_ffn;
  GemmList shared_ffn;   // MoE shared experts (TP-split like a dense FFN)
  GemmList expert_ffn;   // ONE routed expert; a token visits top_k of them
  double router_params = 0;  // per MoE layer, replicated
  int experts = 0;
  int top_k = 0;
  double capacity_factor = 0;  // 0: dropless (see workload::MoeShape)

  // Attention scores and value mixing, forward, per token per context token
  // attended (not halved for causality).
  double attention_core_flops_per_context = 0;
  // The same for one decode token. MLA decodes in its absorbed form (DeepSeek-V2
  // report, appendix: the key and value up-projections are folded into the query
  // and output projections), attending over the latent of kv_lora_rank + rope_dim.
  double decode_attention_flops_per_context = 0;
  // KV-cache elements per token per layer.
  double kv_elements_per_token_per_layer = 0;
  // Key and value elements per token per layer that context parallelism passes
  // around its ring in training: the per-head keys and values the attention
  // kernel reads (for MLA the up-projected ones, not the latent; the absorbed
  // form is a decoding trick).
  double cp_kv_elements_per_token_per_layer = 0;

  // Bytes of activations a layer stores for backward, per token, at 2 bytes
  // per element, with FlashAttention (no s^2 terms). All split by TP with
  // sequence parallelism.
  double dense_layer_activation_bytes = 0;
  double moe_layer_activation_bytes = 0;
  // Of those, what selective recompute of named modules drops: norm outputs,
  // activation-function outputs (SwiGLU's product, GeLU's output) and, for
  // MLA, the up-projected queries, keys and values (DeepSeek-V3 report
  // section 3.2.3; Megatron-Core's --recompute-modules layernorm, moe_act,
  // mla_up_proj).
  double dense_layer_selective_bytes = 0;
  double moe_layer_selective_bytes = 0;
  // Of those, the inputs of linear layers, which FP8 training can store in
  // FP8 (DeepSeek-V3 report section 3.3.3), at half the bytes.
  double dense_layer_linear_input_bytes = 0;
  double moe_layer_linear_input_bytes = 0;
  GemmList mla_up_projection;  // the GEMMs that selective recompute re-runs (MLA only)
  // Without FlashAttention the s x s score matrix is materialised: bytes
  // stored for backward (Korthikanti: 5as per token) and bytes moved forward
  // (scores written, softmax read and written, dropout mask and output
  // written, read by the value product: 11 bytes per score), per token per
  // layer per context token.
  double attention_score_bytes_per_context = 0;
  double attention_score_traffic_per_context = 0;
  // Element-wise traffic (norms, residuals, activation functions, rotary) per
  // token per layer, forward, bytes.
  double dense_layer_elementwise_bytes = 0;
  double moe_layer_elementwise_bytes = 0;

  int mtp_layers = 0;           // multi-token prediction modules (see workload::ModelShape)
  double embedding_params = 0;  // input embedding; the output head is the same size
  bool tied_embeddings = false;

  double attention_params_per_layer() const { return attention.params(); }
  double expert_params_per_layer() const { return experts * expert_ffn.params(); }
  // All parameters of the model.
  double total_params() const;
  // Parameters a token passes through (embedding lookup excluded, output head included).
  double active_params() const;
  // Forward FLOPs per token with a context of `context` tokens attended on
  // average, output head included.
  double forward_flops_per_token(double context) const;
};

TransformerCosts transformer_costs(const workload::ModelShape& model);

}  // namespace planner::perf
