#pragma once
// The performance model's constants: achievable fractions of peak, collective
// efficiencies and latencies, overlap, memory reserve and failure rates. They
// live in data (hw_specs/model/constants.json), each with the source or
// calibration case it came from, with defaults and per-chip overrides.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "specs/sourced.h"

namespace planner::specs {

enum class Constant {
  matmul_efficiency,              // fraction of dense peak reached by large GEMMs
  attention_efficiency,           // fraction of dense BF16 peak reached by fused attention kernels
  memory_efficiency,              // fraction of HBM bandwidth reached by streaming kernels
  scale_up_efficiency,            // achieved collective bus bandwidth / scale-up link bandwidth
  scale_out_efficiency,           // achieved collective bus bandwidth / NIC line rate
  scale_up_latency_us,            // per step of a collective inside the scale-up domain
  scale_out_latency_us,           // per step of a collective across the scale-out network
  dp_overlap,                     // fraction of data-parallel gradient traffic hidden behind compute
  memory_reserved_gib,            // per chip: runtime, workspace and fragmentation
  failure_rate_per_chip_hour,     // unexpected job interruptions per chip-hour
  restart_minutes,                // to detect a failure, swap the node and restart the job
  checkpoint_minutes,             // training stalls while a checkpoint is written
  layer_fixed_us,                 // serving: fixed time per layer per forward step (launches or graph replay, syncs)
  gemm_overlap,                   // serving: share of the shorter of a GEMM's compute and weight-read times it hides
  ep_hot_expert_imbalance,        // serving: max/mean tokens per EP rank from skewed routing, engine's balancer on
  prefill_tokens_per_device,      // serving: prompt tokens one device processes per prefill pass
  serving_workspace_gib,          // serving: per chip, graph capture, communication buffers and workspace
  training_matmul_factor,         // a training step's GEMM rate over the matmul_efficiency rate
  ep_overlap,                     // fraction of the expert all-to-all hidden behind another micro-batch's compute
  grouped_gemm_row_alignment,     // rows each expert's segment of a grouped GEMM is padded to
  routing_imbalance,              // dropless routing: tokens on the busiest expert rank / the mean
  straggler_onset_chips,          // chips below which stragglers and synchronisation cost nothing
  straggler_per_doubling,         // step-time fraction lost per doubling of chips past the onset
  fp4_matmul_factor,              // serving: an FP4 GEMM's rate over the matmul_efficiency rate at the FP4 peak
  ep_overlap_1f1b,                // training, 1F1B schedules: fraction of the expert all-to-all the engine's overlap hides
  count
};

struct ConstantInfo {
  std::string_view key;  // JSON key
  util::Range range;
  std::string_view unit;
};

inline constexpr std::size_t kConstantCount = static_cast<std::size_t>(Constant::count);

// One row per constant: its key, accepted range and unit.
const std::array<ConstantInfo, kConstantCount>& constant_table();

using ConstantOverrides = std::array<std::optional<Sourced>, kConstantCount>;

// A chip family: chips of one architecture and vendor software stack
// (hopper, blackwell, cdna3, ascend, ...). A constant measured on one member
// applies to all of them unless a chip overrides it.
struct ChipFamily {
  std::string id;
  std::string description;
  std::vector<std::string> chips;           // accelerator ids
  std::vector<std::string> serving_cases;   // published serving runs on this family the model is checked on
  ConstantOverrides overrides;
};

struct ModelConstants {
  std::string file;
  std::array<Sourced, kConstantCount> defaults;
  std::map<std::string, ConstantOverrides, std::less<>> per_chip;
  std::map<std::string, ChipFamily, std::less<>> families;

  // The family a chip belongs to, or nullptr.
  const ChipFamily* family_of(std::string_view chip_id) const;
  // The chip's override when there is one, else its family's, else the default.
  const Sourced& get(Constant c, std::string_view chip_id) const;
  // One sentence for `specs show` and the estimate's notes: the chip's family
  // and the published serving runs the model is checked on for it, or that
  // there are none and its serving constants are estimates.
  std::string serving_measurement(std::string_view chip_id) const;
  double value(Constant c, std::string_view chip_id) const { return get(c, chip_id).value; }
};

inline constexpr std::string_view kKindModelConstants = "model_constants";

std::optional<ModelConstants> read_model_constants(const util::Json& doc, const std::string& file,
                                                   util::Diagnostics& diagnostics);

}  // namespace planner::specs
