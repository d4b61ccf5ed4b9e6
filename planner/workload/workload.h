#pragma once
// What a user asks for: pre-train a model on N tokens by a deadline, or serve
// a model at a demand and latency target. Read from examples/*.json.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "specs/accelerator.h"

namespace planner::workload {

enum class Attention { mha, gqa, mla };
enum class FfnType { swiglu, gelu };  // swiglu: 3 matrices (gate, up, down); gelu: 2
enum class Kind { training, inference };

// The spellings used in workload files: "mha", "swiglu", "training".
std::string_view to_string(Attention a);
std::string_view to_string(FfnType f);
std::string_view to_string(Kind k);

// Multi-head latent attention (DeepSeek-V2/V3): keys and values are
// compressed to a latent of kv_lora_rank, queries to q_lora_rank.
struct MlaShape {
  int kv_lora_rank = 0;
  int q_lora_rank = 0;  // 0: queries are not compressed
  int rope_dim = 0;     // decoupled rotary part of each query and key head
  int head_dim = 0;     // per-head dimension of the non-rotary query/key part and of values
};

struct MoeShape {
  int experts = 0;            // routed experts per MoE layer
  int top_k = 0;              // routed experts per token
  int shared_experts = 0;     // always-active experts per MoE layer
  int expert_ffn_hidden = 0;  // FFN width of one expert
  int dense_layers = 0;       // the first layers use a dense FFN of ffn_hidden
  // Tokens an expert takes at most, as a multiple of the mean load; those past
  // it are dropped. 0: dropless (the busiest expert takes all its tokens).
  // 1 with forced balance (Megatron's --moe-router-force-load-balancing).
  double capacity_factor = 0;
};

struct ModelShape {
  int layers = 0;
  int hidden = 0;
  int ffn_hidden = 0;  // dense FFN width (of the dense layers, for MoE)
  int heads = 0;
  int kv_heads = 0;    // = heads for MHA
  int vocab = 0;
  Attention attention = Attention::gqa;
  FfnType ffn_type = FfnType::swiglu;
  bool tied_embeddings = false;  // input and output embeddings share one matrix
  int attention_head_dim = 0;    // MHA/GQA per-head dimension when not hidden / heads (Qwen3: 128); 0 = derived
  // Multi-token prediction modules trained alongside (DeepSeek-V3: 1), each a
  // projection, one more transformer layer and the shared output head.
  int mtp_layers = 0;
  std::optional<MlaShape> mla;
  std::optional<MoeShape> moe;

  // Per-head dimension of queries, keys and values: hidden / heads unless
  // stated (Qwen3-235B: 128, while hidden / heads is 64), or for MLA the
  // stated head_dim (DeepSeek-V3: 128, while hidden / heads is 56).
  int head_dim() const {
    if (mla) return mla->head_dim;
    return attention_head_dim > 0 ? attention_head_dim : hidden / heads;
  }
};

struct TrainingJob {
  int seq_len = 0;
  double global_batch_tokens = 0;  // tokens per optimizer step
  double tokens = 0;               // tokens to train on
  std::optional<double> deadline_days;
  bool flash_attention = true;     // attention scores are never stored (FlashAttention)
};

struct InferenceJob {
  int input_tokens = 0;   // prompt length per request
  int output_tokens = 0;  // generated tokens per request
  // Demand: exactly one of these is set.
  std::optional<double> output_tokens_per_s;
  std::optional<double> requests_per_s;
  std::optional<double> ttft_ms;  // time to first token target
  std::optional<double> tpot_ms;  // time per output token target
  // Speculative decoding (multi-token prediction): mean tokens accepted per
  // decode step, >= 1. DeepSeek-V3's MTP reports 1.8 (85-90% acceptance).
  double tokens_per_step = 1.0;
  // Tokens the draft (MTP module or draft model) proposes per step; each
  // step verifies 1 + draft_tokens tokens per sequence. Default: the
  // smallest count that can reach tokens_per_step, ceil(tokens_per_step) - 1.
  int draft_tokens = 0;
  // Transformer layers the draft runs per drafted token, as a fraction of
  // one layer of the main model: DeepSeek-V3's MTP module is one layer (1).
  double draft_layers = 1;
  // Fraction of prompt tokens found in the prefix cache (their KV reused,
  // no prefill compute); 0 without a prefix cache.
  double prefix_cache_hit_rate = 0;
  // KV-cache precision: engines keep the KV cache at BF16 unless told
  // otherwise (vLLM and SGLang kv_cache_dtype "auto"), whatever the weights.
  specs::Precision kv_precision = specs::Precision::bf16;
  // Precision of the routed experts' weights when it differs from the
  // workload's (FP4 experts with FP8 attention); unset: the workload's.
  std::optional<specs::Precision> expert_precision;
  // Where the users are (ISO 3166-1 alpha-2 codes): the workload is served
  // from sites in these countries unless serve_abroad. Empty: the buyer's
  // country, which the plan states.
  std::vector<std::string> users_in;
  bool serve_abroad = false;  // sites in any country may serve these users
  // Precision of the attention kernels: FP8 MLA or FP8 FlashAttention where
  // engines run it; BF16 by default.
  specs::Precision attention_precision = specs::Precision::bf16;
};

struct Workload {
  std::string name;         // an id: lower-case letters, digits, '-', '.', '_'
  std::string file;
  std::string description;  // free text, may be empty
  std::string source;       // where the model shape comes from (paper, config); may be empty
  Kind kind = Kind::training;
  ModelShape model;
  specs::Precision precision = specs::Precision::bf16;
  TrainingJob training;    // when kind == training
  InferenceJob inference;  // when kind == inference
  // Where `plan` may place this workload: accelerator or system ids and site
  // ids; empty means anywhere the command line allows ("serve at home").
  std::vector<std::string> chips;
  std::vector<std::string> sites;

  // Output tokens per second the demand asks for (requests converted with output_tokens).
  double demanded_output_tokens_per_s() const;
};

}  // namespace planner::workload
