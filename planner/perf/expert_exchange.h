#pragma once
// Training's expert-parallel exchange and expert GEMMs: the dispatch and
// combine all-to-alls priced by destination (inside the scale-up domain or
// across it), how much of them the engine hides, and the grouped expert GEMM
// with its padding and routing imbalance.

#include "perf/hardware.h"
#include "perf/transformer.h"

namespace planner::perf {

// Busiest expert rank's load over the mean: the dropless imbalance of `hw`,
// capped by the model's capacity factor when tokens past it are dropped.
double routing_load_ratio(const TransformerCosts& c, const Hardware& hw);

// Seconds of one all-to-all over `ep` expert ranks spaced `stride` chips apart,
// each rank sending `tokens` tokens of `token_bytes` to top_k experts spread
// evenly over the ranks. Copies for ranks in the sender's scale-up domain go
// over the scale-up fabric; a token crosses the scale-out network once per
// remote domain holding any of its experts (DeepSeek-V3 report section 3.2.2:
// IB to the remote node, then NVLink forwarding), and fans out there over
// the remote domain's scale-up fabric. Both fabrics run at once.
double expert_all_to_all_time(const Hardware& hw, int ep, long long stride, double tokens, int top_k,
                              double token_bytes);

// The exposed part of `exchange_s` when the engine overlaps the exchange of
// one micro-batch with another's `compute_s` (DualPipe; Megatron-Core's EP
// all-to-all overlap): hw.ep_overlap of it at best, never more than the compute.
double exposed_expert_exchange(const Hardware& hw, double exchange_s, double compute_s);
// The same with the engine's own fraction: training hides hw.ep_overlap of
// it under DualPipe (fitted on DeepSeek-V3) and hw.ep_overlap_1f1b under a
// 1F1B schedule's all-to-all overlap (Megatron-Core's; an estimate until a
// run outside NVIDIA's own recipes measures it).
double exposed_expert_exchange(double overlap, double exchange_s, double compute_s);

// Rows a chip's grouped GEMM runs per local expert: the mean rows times the
// routing load ratio, plus half an alignment block of padding on average.
double grouped_gemm_rows(const Hardware& hw, double mean_rows, double load_ratio);

}  // namespace planner::perf
