#pragma once
// The training model: for one workload, chip and layout, the memory each chip
// needs and the time of one optimizer step, broken down by cause; from those,
// tokens/s, model FLOPs per chip, MFU and days to train including failures.
// Pure and allocation-free: the layout search calls it millions of times.

#include <cstdint>
#include <string>

#include "perf/hardware.h"
#include "perf/layout.h"
#include "perf/transformer.h"

namespace planner::perf {

// The default tolerance on the global batch: a layout may run a batch up to
// 5% above or below the workload's, so that any data-parallel degree can
// share it (the tolerance is a planning choice, `--batch-tolerance`).
inline constexpr double kDefaultBatchTolerance = 0.05;
inline constexpr double kMaxBatchTolerance = 0.25;

// Precomputed per workload.
struct TrainingModel {
  TransformerCosts costs;
  double seq_len = 0;
  double batch_sequences = 0;      // global batch in sequences: the target
  double batch_tolerance = kDefaultBatchTolerance;  // fraction of batch_sequences a layout's batch may differ by
  double global_batch_tokens = 0;
  double tokens = 0;               // to train on
  bool flash_attention = true;
  double model_flops_per_token = 0;  // forward + backward, causal attention, no recompute
  double forward_flops_per_token = 0;
  double attention_forward_flops_per_token = 0;  // the attention-core share of the forward
};

TrainingModel make_training_model(const workload::Workload& w, double batch_tolerance = kDefaultBatchTolerance);

// Why a layout cannot run; `none` for a layout that runs.
// `slo`: serving layouts whose TTFT or TPOT misses the target.
enum class Rejection : std::uint8_t { none, divisibility, batch, memory, slo, count };
std::string_view to_string(Rejection r);

struct TrainingMemory {  // bytes per chip on the fullest pipeline stage
  double weights = 0;
  double gradients = 0;
  double optimizer = 0;
  double activations = 0;
  double total() const { return weights + gradients + optimizer + activations; }
};

struct TrainingTime {  // seconds per step, on the slowest pipeline stage
  double compute = 0;          // GEMMs, attention, element-wise, recompute
  double tp_comm = 0;
  double cp_comm = 0;          // exposed part
  double ep_comm = 0;
  double pp_comm = 0;          // point-to-point between stages
  double pp_bubble = 0;
  double dp_comm = 0;          // exposed part
  double optimizer = 0;
  double straggler = 0;        // stragglers and synchronisation on large clusters
};

struct TrainingEstimate {
  Rejection rejection = Rejection::none;
  TrainingMemory memory;
  TrainingTime time;
  double usable_memory_bytes = 0;
  long long microbatches = 0;    // per DP replica per step (10^10 at seq_len 1 and the largest batch)
  double batch_sequences = 0;    // the global batch this layout runs: dp x sequences per replica
  double step_time_s = 0;
  double tokens_per_s = 0;
  double tflops_per_chip = 0;    // model FLOPs achieved per chip
  double hardware_tflops_per_chip = 0;  // FLOPs executed per chip, recomputation included (Megatron's convention)
  double mfu = 0;                // against the dense peak at the workload precision
  double goodput = 0;            // fraction of wall time doing useful steps
  double days = 0;               // to train `tokens`, failures included
};

// With `stop_at_memory`, a layout that does not fit returns at once (the
// search's fast path); without it the time is computed anyway, so that a
// published layout can be compared even where the memory model disagrees.
TrainingEstimate evaluate_training(const TrainingModel& model, const Hardware& hw, const TrainingLayout& layout,
                                   bool stop_at_memory = true);

// The divisibility and batch rules a layout must meet, checked in this order.
enum class LayoutProblem : std::uint8_t {
  none, tp_heads, pp_layers, vp_without_pp, vp_layers, cp_seq, ep_dense, ep_experts, etp, ep_dp, batch, dualpipe
};
LayoutProblem first_problem(const TrainingModel& model, const TrainingLayout& layout);
// Sequences each of `dp` replicas takes per step: the global batch over dp,
// rounded to the nearest whole sequence (at least one); 0 when dp times that
// is further from the global batch than its tolerance allows.
long long sequences_per_replica(const TrainingModel& model, long long dp);

// Layers on the fullest pipeline stage of `pp` (stages may differ by one
// layer when pp does not divide the layers). MoE layers fill stages first
// since they are heavier.
struct StageShape {
  double dense_layers = 0;
  double moe_layers = 0;
};
StageShape fullest_stage(const TransformerCosts& c, int pp);
// The ranks an expert-parallel group is laid over, which ep must divide:
// tp x cp x dp when the experts are whole (etp = 1, folded), cp x dp when
// they are TP-split (etp = tp).
long long expert_rank_span(const TrainingLayout& l);
// Chips between consecutive members of an expert-parallel group: 1 when
// folded (contiguous ranks), tp when the experts are TP-split.
inline long long expert_rank_stride(const TrainingLayout& l) { return l.etp > 1 ? l.tp : 1; }
// One sentence for users: "tp=3 does not divide the 128 attention heads".
std::string describe(LayoutProblem problem, const TrainingModel& model, const TrainingLayout& layout);

}  // namespace planner::perf
