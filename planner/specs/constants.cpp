#include "specs/constants.h"

namespace planner::specs {

using util::ObjectReader;
using util::Presence;
using util::Range;

const std::array<ConstantInfo, kConstantCount>& constant_table() {
  static const std::array<ConstantInfo, kConstantCount> table = {{
      {"matmul_efficiency", Range{0, 1, true}, "fraction"},
      {"attention_efficiency", Range{0, 1, true}, "fraction"},
      {"memory_efficiency", Range{0, 1, true}, "fraction"},
      {"scale_up_efficiency", Range{0, 1, true}, "fraction"},
      {"scale_out_efficiency", Range{0, 1, true}, "fraction"},
      {"scale_up_latency_us", Range{0, 1000}, "us"},
      {"scale_out_latency_us", Range{0, 10000}, "us"},
      {"dp_overlap", Range{0, 1}, "fraction"},
      {"memory_reserved_gib", Range{0, 64}, "GiB"},
      {"failure_rate_per_chip_hour", Range{0, 0.01}, "1/h"},
      {"restart_minutes", Range{0, 1440}, "min"},
      {"checkpoint_minutes", Range{0, 1440}, "min"},
  }};
  return table;
}

const Sourced& ModelConstants::get(Constant c, std::string_view chip_id) const {
  const auto i = static_cast<std::size_t>(c);
  if (const auto it = per_chip.find(chip_id); it != per_chip.end() && it->second[i]) return *it->second[i];
  return defaults[i];
}

std::optional<ModelConstants> read_model_constants(const util::Json& doc, const std::string& file,
                                                   util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  ModelConstants out;
  out.file = file;
  if (const auto kind = r.string("kind", Presence::required); kind && *kind != kKindModelConstants)
    r.error_at("kind", "expected \"model_constants\", got \"" + *kind + "\"");
  r.string("description", Presence::optional);
  const auto& table = constant_table();
  if (auto defaults = r.object("defaults", Presence::required)) {
    for (std::size_t i = 0; i < kConstantCount; ++i)
      if (auto v = read_sourced(*defaults, table[i].key, Presence::required, table[i].range))
        out.defaults[i] = std::move(*v);
    defaults->finish();
  }
  if (auto chips = r.object("chips", Presence::optional)) {
    for (const auto& [chip, _] : doc["chips"].items()) {
      auto overrides = chips->object(chip, Presence::required);
      if (!overrides) continue;
      auto& row = out.per_chip[chip];
      for (std::size_t i = 0; i < kConstantCount; ++i)
        row[i] = read_sourced(*overrides, table[i].key, Presence::optional, table[i].range);
      overrides->finish();
    }
    chips->finish();
  }
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return out;
}

}  // namespace planner::specs
