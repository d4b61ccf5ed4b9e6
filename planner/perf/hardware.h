#pragma once
// The performance model's view of a chip: peak rates in SI units at the
// workload's precision, already multiplied by the achievable fractions from
// the model constants. Built once per (chip or system, precision), then read
// in the layout search's inner loop.

#include <optional>
#include <string>

#include "specs/catalog.h"

namespace planner::perf {

struct Hardware {
  std::string chip_id;    // accelerator id
  std::string system_id;  // system id, or empty for the chip's standard node

  double matmul_flops = 0;     // achievable FLOP/s of large GEMMs at the workload precision
  double training_matmul_flops = 0;       // the same inside a training step (training_matmul_factor applied)
  double training_bf16_matmul_flops = 0;  // a training step's BF16 GEMMs (head, router) at any workload precision
  double attention_flops = 0;  // achievable FLOP/s of fused attention (BF16 peak based)
  double attention_fp8_flops = 0;  // the same with FP8 attention kernels (FP8 peak; BF16 where the chip has none)
  double vector_flops = 0;     // achievable FLOP/s at BF16 for everything else
  double hbm_bytes = 0;        // usable memory per chip, reserve subtracted
  double hbm_total_bytes = 0;  // physical memory per chip
  double hbm_bytes_per_s = 0;  // achievable
  double scale_up_bytes_per_s = 0;   // achievable collective bandwidth per chip, each direction
  double scale_out_bytes_per_s = 0;  // achievable collective bandwidth per chip, each direction
  double scale_up_latency_s = 0;     // per collective step
  double scale_out_latency_s = 0;
  int scale_up_domain = 1;           // chips that share the scale-up fabric
  double dp_overlap = 0;             // fraction of DP traffic hidden behind compute
  double ep_overlap = 0;             // fraction of the expert all-to-all hidden behind compute (DualPipe; serving)
  double ep_overlap_1f1b = 0;        // the same under a 1F1B schedule's all-to-all overlap (Megatron-Core)
  double grouped_gemm_row_alignment = 1;  // rows per expert segment are padded to a multiple of this
  double routing_imbalance = 1;      // dropless: busiest expert rank's tokens / the mean, >= 1
  double straggler_onset_chips = 1;  // no straggler loss at or below this many chips
  double straggler_per_doubling = 0; // step-time fraction lost per doubling past the onset
  double failure_rate_per_chip_s = 0;
  double restart_s = 0;     // per interruption
  double checkpoint_s = 0;  // stall per checkpoint written
  double peak_flops = 0;       // dense peak at the workload precision (for MFU)
  int bytes_per_weight = 2;    // bytes per GEMM operand element at the workload precision
  // Serving (hw_specs/model/constants.json, per chip family).
  double layer_fixed_s = 0;              // per layer per forward step: launches or graph replay, syncs
  double gemm_overlap = 1;               // share of the shorter of compute and weight-read time hidden
  double ep_hot_expert_imbalance = 1;    // busiest EP rank's load over the mean from skewed routing
  double prefill_tokens_per_device = 0;  // prompt tokens per device per prefill pass
  double serving_workspace_bytes = 0;    // per chip beyond the reserve: graph pools, a2a buffers, workspace
};

// Fraction of wall time a job on `chips` chips spends on useful steps.
// Interruptions arrive at failure_rate x chips; each costs a restart and the
// work since the last checkpoint, half an interval on average; checkpoints
// are written at Young's optimal interval sqrt(2 x checkpoint x MTBF), each
// stalling the job. goodput = 1 / (1 + waste), waste = checkpoint / interval
// + (restart + interval / 2) / MTBF.
double goodput(const Hardware& hw, double chips);

// Why a chip cannot run a workload at a precision at all.
struct HardwareProblem {
  std::string message;
};

// Builds the model's view of `chip_id` (an accelerator or system id) for
// `precision`. Fails when the chip lacks the precision or the catalog has no
// model constants.
std::optional<Hardware> make_hardware(const specs::Catalog& catalog, std::string_view chip_or_system_id,
                                      specs::Precision precision, HardwareProblem& problem);

}  // namespace planner::perf
