#pragma once
// Turns a workload file (examples/*.json) into a Workload, reporting every
// problem of the file with its JSON path. Nothing here prints; problems go to
// Diagnostics.
//
// Every file: "kind" ("training" or "inference"), "name" (an id), "model",
// "precision" (bf16|fp16|fp8|int8|fp4), optional "description" and "source".
// "model": layers, hidden, ffn_hidden, heads, kv_heads, vocab, attention
// (mha|gqa|mla); optional ffn_type (swiglu|gelu, default swiglu),
// tied_embeddings (default false), "moe" {experts, top_k, expert_ffn_hidden,
// shared_experts = 0, dense_layers = 0}; "mla" {kv_lora_rank, rope_dim,
// head_dim, q_lora_rank = uncompressed}, required with attention "mla" and
// refused otherwise.
// Training: seq_len, global_batch_tokens (a multiple of seq_len), tokens;
// optional deadline_days, flash_attention (default true).
// Inference: input_tokens, output_tokens, "demand" with exactly one of
// output_tokens_per_s and requests_per_s; optional "slo" {ttft_ms, tpot_ms}
// and tokens_per_step (default 1). Keys of the other kind are errors.

#include <optional>
#include <string>
#include <string_view>

#include "util/diagnostics.h"
#include "util/file_system.h"
#include "util/json_reader.h"
#include "workload/workload.h"

namespace planner::workload {

// "kind" values of workload files.
inline constexpr std::string_view kKindTraining = "training";
inline constexpr std::string_view kKindInference = "inference";

bool is_workload_kind(std::string_view kind);

// Reads a parsed workload document; nullopt when any problem was reported.
std::optional<Workload> read_workload(const util::Json& doc, const std::string& file,
                                      util::Diagnostics& diagnostics);

// Reads, parses and checks the file at `path`.
std::optional<Workload> load_workload(const util::FileSystem& fs, const std::string& path,
                                      util::Diagnostics& diagnostics);

// Reports each id in the workload's "chips" and "sites" lists that is not in
// `chip_ids` (accelerators and systems) or `site_ids`, with a hint.
void check_workload_ids(const Workload& workload, const std::vector<std::string>& chip_ids,
                        const std::vector<std::string>& site_ids, util::Diagnostics& diagnostics);

}  // namespace planner::workload
