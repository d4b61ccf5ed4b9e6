#include "specs/accelerator.h"

#include <algorithm>
#include <array>

namespace planner::specs {

namespace {
constexpr std::array kPrecisions{Precision::bf16, Precision::fp16, Precision::fp8, Precision::int8, Precision::fp4};
}

std::string_view to_string(Precision p) {
  switch (p) {
    case Precision::bf16: return "bf16";
    case Precision::fp16: return "fp16";
    case Precision::fp8: return "fp8";
    case Precision::int8: return "int8";
    case Precision::fp4: return "fp4";
  }
  return "?";
}

int bit_length(Precision p) {
  switch (p) {
    case Precision::bf16:
    case Precision::fp16: return 16;
    case Precision::fp8:
    case Precision::int8: return 8;
    case Precision::fp4: return 4;
  }
  return 0;
}

std::optional<Precision> parse_precision(std::string_view text) {
  for (const auto p : kPrecisions)
    if (to_string(p) == text) return p;
  return std::nullopt;
}

const Sourced& Accelerator::unit_price(std::string_view country) const {
  const auto it = unit_usd_by_country.find(country);
  return it == unit_usd_by_country.end() ? unit_usd : it->second;
}

void Accelerator::set_unit_prices(double usd) {
  unit_usd.value = usd;
  for (auto& [country, price] : unit_usd_by_country) price.value = usd;
}

void Accelerator::scale_unit_prices(double factor) {
  unit_usd.value *= factor;
  for (auto& [country, price] : unit_usd_by_country) price.value *= factor;
}

std::optional<double> Accelerator::peak_tflops(Precision p) const {
  const std::optional<Sourced>* optional_value = nullptr;
  switch (p) {
    case Precision::bf16: return bf16_tflops.value;
    case Precision::fp16: return fp16_tflops.value;
    case Precision::fp8: optional_value = &fp8_tflops; break;
    case Precision::int8: optional_value = &int8_tops; break;
    case Precision::fp4: optional_value = &fp4_tflops; break;
  }
  if (optional_value && *optional_value) return (*optional_value)->value;
  return std::nullopt;
}

double Accelerator::tpp() const {
  double best = 0;
  for (const auto p : kPrecisions)
    if (const auto peak = peak_tflops(p)) best = std::max(best, *peak * bit_length(p));
  return best;
}

std::optional<double> Accelerator::performance_density() const {
  if (!die_area_mm2) return std::nullopt;
  return tpp() / die_area_mm2->value;
}

}  // namespace planner::specs
