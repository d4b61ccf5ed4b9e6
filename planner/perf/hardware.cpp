#include "perf/hardware.h"

#include <cmath>

#include <fmt/format.h>

namespace planner::perf {

using specs::Constant;

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kGB = 1e9;
}  // namespace

double goodput(const Hardware& hw, double chips) {
  const double failures_per_s = hw.failure_rate_per_chip_s * chips;
  if (failures_per_s <= 0) return 1;
  const double mtbf_s = 1 / failures_per_s;
  const double interval_s = std::sqrt(2 * hw.checkpoint_s * mtbf_s);
  const double checkpoint_waste = interval_s > 0 ? hw.checkpoint_s / interval_s : 0;
  const double waste = checkpoint_waste + (hw.restart_s + interval_s / 2) / mtbf_s;
  return 1 / (1 + waste);
}

std::optional<Hardware> make_hardware(const specs::Catalog& catalog, std::string_view chip_or_system_id,
                                      specs::Precision precision, HardwareProblem& problem) {
  const specs::System* system = catalog.find_system(chip_or_system_id);
  const specs::Accelerator* chip =
      catalog.find_accelerator(system ? std::string_view(system->accelerator) : chip_or_system_id);
  if (!chip) {
    problem.message = fmt::format("no accelerator or system \"{}\"", chip_or_system_id);
    return std::nullopt;
  }
  if (!catalog.constants) {
    problem.message = "no model constants loaded (hw_specs/model/constants.json)";
    return std::nullopt;
  }
  const auto peak_tflops = chip->peak_tflops(precision);
  if (!peak_tflops) {
    problem.message = fmt::format("{} has no dense {} peak in its spec sheet", chip->id, specs::to_string(precision));
    return std::nullopt;
  }
  const auto& k = *catalog.constants;
  auto c = [&](Constant which) { return k.value(which, chip->id); };

  Hardware hw;
  hw.chip_id = chip->id;
  hw.system_id = system ? system->id : "";
  hw.peak_flops = *peak_tflops * 1e12;
  hw.matmul_flops = hw.peak_flops * c(Constant::matmul_efficiency);
  hw.attention_flops = chip->bf16_tflops.value * 1e12 * c(Constant::attention_efficiency);
  hw.attention_fp8_flops = chip->peak_tflops(specs::Precision::fp8).value_or(chip->bf16_tflops.value) * 1e12 *
                           c(Constant::attention_efficiency);
  hw.vector_flops = chip->bf16_tflops.value * 1e12 * c(Constant::matmul_efficiency);
  hw.training_matmul_flops = hw.matmul_flops * c(Constant::training_matmul_factor);
  hw.training_bf16_matmul_flops = hw.vector_flops * c(Constant::training_matmul_factor);
  // Serving GEMMs at FP4 (NVFP4, MXFP4) reach their own fraction of the FP4
  // peak; training keeps the rate above (its FP4 runs are calibrated on it).
  if (precision == specs::Precision::fp4) hw.matmul_flops *= c(Constant::fp4_matmul_factor);
  hw.hbm_total_bytes = chip->hbm_gb.value * kGB;
  hw.hbm_bytes = hw.hbm_total_bytes - c(Constant::memory_reserved_gib) * kGiB;
  hw.hbm_bytes_per_s = chip->hbm_tbps.value * 1e12 * c(Constant::memory_efficiency);
  const double up_gbytes = system && system->scale_up_gbytes_per_s ? system->scale_up_gbytes_per_s->value
                                                                     : chip->scale_up_gbytes_per_s.value;
  const double out_gbits = system && system->scale_out_gbits_per_s ? system->scale_out_gbits_per_s->value
                                                                     : chip->scale_out_gbits_per_s.value;
  hw.scale_up_bytes_per_s = up_gbytes * kGB * c(Constant::scale_up_efficiency);
  hw.scale_out_bytes_per_s = out_gbits / 8 * kGB * c(Constant::scale_out_efficiency);
  hw.scale_up_latency_s = c(Constant::scale_up_latency_us) * 1e-6;
  hw.scale_out_latency_s = c(Constant::scale_out_latency_us) * 1e-6;
  hw.scale_up_domain = system ? system->scale_up_domain_chips : static_cast<int>(chip->scale_up_domain_chips.value);
  hw.dp_overlap = c(Constant::dp_overlap);
  hw.ep_overlap = c(Constant::ep_overlap);
  hw.ep_overlap_1f1b = c(Constant::ep_overlap_1f1b);
  hw.grouped_gemm_row_alignment = c(Constant::grouped_gemm_row_alignment);
  hw.routing_imbalance = c(Constant::routing_imbalance);
  hw.straggler_onset_chips = c(Constant::straggler_onset_chips);
  hw.straggler_per_doubling = c(Constant::straggler_per_doubling);
  hw.failure_rate_per_chip_s = c(Constant::failure_rate_per_chip_hour) / 3600.0;
  hw.restart_s = c(Constant::restart_minutes) * 60.0;
  hw.checkpoint_s = c(Constant::checkpoint_minutes) * 60.0;
  hw.layer_fixed_s = c(Constant::layer_fixed_us) * 1e-6;
  hw.gemm_overlap = c(Constant::gemm_overlap);
  hw.ep_hot_expert_imbalance = c(Constant::ep_hot_expert_imbalance);
  hw.prefill_tokens_per_device = c(Constant::prefill_tokens_per_device);
  hw.serving_workspace_bytes = c(Constant::serving_workspace_gib) * kGiB;
  hw.bytes_per_weight = specs::bit_length(precision) / 8 > 0 ? specs::bit_length(precision) / 8 : 1;
  if (hw.hbm_bytes <= 0) {
    problem.message = fmt::format("{}: the memory reserve leaves no usable HBM", chip->id);
    return std::nullopt;
  }
  return hw;
}

}  // namespace planner::perf
