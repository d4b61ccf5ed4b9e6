#pragma once
// The training model's parts, shared by its files and by nothing else:
// training_rules.cpp (divisibility, batch split, the fullest stage),
// training_memory.cpp (bytes per chip) and training_step.cpp (step time).
// training.cpp combines them into evaluate_training.

#include "perf/training.h"

namespace planner::perf::detail {

// Bytes per parameter of mixed-precision Adam state: BF16 weights (2), FP32
// gradient accumulation (4), FP32 master weights, momentum and variance (12).
// Megatron-LM distributed optimizer documentation: 18 bytes per parameter,
// 6 + 12/d with the optimizer sharded over d data-parallel ranks.
inline constexpr double kWeightBytes = 2;
inline constexpr double kGradientBytes = 4;
inline constexpr double kOptimizerBytes = 12;
// BF16 instead of FP32 for each of Adam's two moments (DeepSeek-V3 report
// section 3.3.3; Megatron-Core --exp-avg-dtype/--exp-avg-sq-dtype bf16).
inline constexpr double kBf16MomentSavingBytes = 2;
// Bytes per element of activations exchanged between chips (BF16).
inline constexpr double kCommBytes = 2;
// FP32 logits kept for the loss on the last stage, per vocabulary entry per token.
inline constexpr double kLogitBytes = 4;
// FlashAttention's backward recomputes the scores: 2.5x the forward FLOPs
// (Dao 2023, FlashAttention-2, section 3.1: backward has 5 matmuls to forward's 2).
inline constexpr double kFlashBackwardFactor = 2.5;
// Adam update traffic per parameter: read and write master, m, v (24), read
// gradient (4), write BF16 weight (2).
inline constexpr double kOptimizerTrafficBytes = 30;

double ceil_div(double a, double b);

// The fullest stage (public: the layout search bounds stages with it).
using perf::fullest_stage;
using perf::StageShape;

// Micro-batches per DP replica per step; the layout must have passed first_problem.
long long microbatches_per_replica(const TrainingModel& model, const TrainingLayout& l);

// Parameters per chip on the fullest stage and the ranks their state is sharded over.
struct StageParams {
  double dense = 0;            // attention, dense FFN, shared experts, router
  double expert = 0;           // routed experts
  double head = 0;             // embedding or output head
  double dp_ranks = 0;         // dp x cp
  double expert_dp_ranks = 0;  // dp x cp / ep
};
StageParams stage_params(const TransformerCosts& c, const TrainingLayout& l, const StageShape& stage);

// Optimizer-state bytes per parameter: FP32 master, momentum and variance,
// or 8 with the moments in BF16.
double optimizer_bytes_per_param(const TrainingLayout& l);

// Bytes per chip on the fuller of the first and last pipeline stages;
// `microbatches` per replica per step bounds the micro-batches in flight.
TrainingMemory training_memory(const TrainingModel& model, const TrainingLayout& l, const StageShape& stage,
                               const StageParams& params, long long microbatches);

// Roofline time of a GEMM list for m tokens, split by tp; `scale` multiplies n.
double gemm_time(const GemmList& list, double m, int tp, const Hardware& hw, double scale = 1);
// The same at BF16 whatever the workload precision: FP8 training keeps the
// embedding, output head and router in BF16 (DeepSeek-V3 report section 3.3;
// TransformerEngine's FP8 recipes cover the linear layers only).
// A grouped expert GEMM (DeepGEMM's, Megatron-Core's grouped GEMM) with
// `rows` rows per expert: as gemm_time, but with few rows per expert the
// kernel overlaps its operand traffic and its MMA pipeline only in part
// (hw.gemm_overlap, fitted on DeepGEMM's grouped-GEMM sweep; the serving
// model prices every GEMM so).
double grouped_expert_gemm_time(const GemmList& list, double rows, int tp, const Hardware& hw);
double bf16_gemm_time(const GemmList& list, double m, int tp, const Hardware& hw);

// FP8 training casts every linear layer's input to FP8 in the forward and its
// output gradient in the backward: bytes moved per token of a layer, 3 per
// element (read BF16, write FP8); 0 unless the GEMMs run in FP8.
double fp8_cast_bytes_per_token(const TransformerCosts& c, const Hardware& hw, bool moe);

// Token permutation traffic of one MoE layer, bytes per token routed. Engines
// reorder the top-k copies of each token around the expert GEMMs and the
// all-to-alls (Megatron-Core's token dispatcher: permute by expert before the
// dispatch, sort by local expert after it when a rank holds several, the
// reverse before the combine, unpermute weighted by the routing
// probabilities), each a memory-bound gather or scatter of k x hidden
// elements; the backward retraces them with the gradients and reads the
// expert outputs once more for the probabilities' gradient. The dispatch side
// moves the GEMM precision forward, everything else BF16.
struct TokenIo {
  double forward = 0;
  double backward = 0;
};
TokenIo moe_token_io_bytes(const TransformerCosts& c, const Hardware& hw, int ep);

// Seconds per micro-batch for one layer, forward + backward + recompute.
struct LayerTimes {
  double compute = 0;
  double tp = 0;
  double cp = 0;
  double ep = 0;
};
LayerTimes layer_times(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l, bool moe);

// Pipeline bubble per step, given one micro-batch's time on the slowest stage.
double pipeline_bubble(const TrainingLayout& l, double per_microbatch_s);

// Seconds per step on the slowest stage, by cause.
TrainingTime step_time(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l,
                       const StageShape& stage, const StageParams& params, long long microbatches);

}  // namespace planner::perf::detail
