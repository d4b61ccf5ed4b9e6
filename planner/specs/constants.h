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

struct ModelConstants {
  std::string file;
  std::array<Sourced, kConstantCount> defaults;
  std::map<std::string, std::array<std::optional<Sourced>, kConstantCount>, std::less<>> per_chip;

  // The chip's override when there is one, else the default.
  const Sourced& get(Constant c, std::string_view chip_id) const;
  double value(Constant c, std::string_view chip_id) const { return get(c, chip_id).value; }
};

inline constexpr std::string_view kKindModelConstants = "model_constants";

std::optional<ModelConstants> read_model_constants(const util::Json& doc, const std::string& file,
                                                   util::Diagnostics& diagnostics);

}  // namespace planner::specs
