#include "specs/constants.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

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
      {"layer_fixed_us", Range{0, 1000}, "us"},
      {"gemm_overlap", Range{0, 1}, "fraction"},
      {"ep_hot_expert_imbalance", Range{1, 8}, "ratio"},
      {"prefill_tokens_per_device", Range{1, 1048576}, "tokens"},
      {"serving_workspace_gib", Range{0, 64}, "GiB"},
      {"training_matmul_factor", Range{0, 1.5, true}, "ratio"},
      {"ep_overlap", Range{0, 1}, "fraction"},
      {"grouped_gemm_row_alignment", Range{1, 4096}, "rows"},
      {"routing_imbalance", Range{1, 16}, "ratio"},
      {"straggler_onset_chips", Range{1, 1e7}, "chips"},
      {"straggler_per_doubling", Range{0, 1}, "fraction"},
      {"fp4_matmul_factor", Range{0, 1.5, true}, "ratio"},
      {"ep_overlap_1f1b", Range{0, 1}, "fraction"},
  }};
  return table;
}

const ChipFamily* ModelConstants::family_of(std::string_view chip_id) const {
  for (const auto& [_, family] : families)
    if (std::find(family.chips.begin(), family.chips.end(), chip_id) != family.chips.end()) return &family;
  return nullptr;
}

const Sourced& ModelConstants::get(Constant c, std::string_view chip_id) const {
  const auto i = static_cast<std::size_t>(c);
  if (const auto it = per_chip.find(chip_id); it != per_chip.end() && it->second[i]) return *it->second[i];
  if (const ChipFamily* family = family_of(chip_id); family && family->overrides[i]) return *family->overrides[i];
  return defaults[i];
}

std::string ModelConstants::serving_measurement(std::string_view chip_id) const {
  const ChipFamily* family = family_of(chip_id);
  if (!family)
    return "no chip family in the model constants: every constant is the default; no published serving run checks it";
  if (family->serving_cases.empty())
    return fmt::format("family {}: no published serving run on this family is in the calibration; its serving numbers rest on estimates", family->id);
  return fmt::format("family {}: serving checked on {}", family->id, fmt::join(family->serving_cases, ", "));
}

namespace {

ConstantOverrides read_overrides(ObjectReader& r) {
  ConstantOverrides row;
  const auto& table = constant_table();
  for (std::size_t i = 0; i < kConstantCount; ++i)
    row[i] = read_sourced(r, table[i].key, Presence::optional, table[i].range);
  return row;
}

std::vector<std::string> read_strings(ObjectReader& r, std::string_view key, Presence presence) {
  std::vector<std::string> out;
  const util::Json* array = r.array(key, presence);
  if (!array) return out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto& item = (*array)[i];
    if (item.is_string()) out.push_back(item.get<std::string>());
    else
      r.diagnostics().error(r.file(), util::json_pointer_append(r.path_of(key), i),
                            "expected a string, got " + util::describe_json(item));
  }
  return out;
}

// "families": {"hopper": {"chips": [...], "serving_cases": [...], <constants>}}.
// A chip may belong to one family only.
void read_families(ObjectReader& r, const util::Json& node, ModelConstants& out) {
  auto families = r.object("families", Presence::optional);
  if (!families) return;
  std::map<std::string, std::string> family_of_chip;
  for (const auto& [id, _] : node.items()) {
    auto f = families->object(id, Presence::required);
    if (!f) continue;
    ChipFamily family;
    family.id = id;
    family.description = f->string("description", Presence::optional).value_or("");
    family.chips = read_strings(*f, "chips", Presence::required);
    family.serving_cases = read_strings(*f, "serving_cases", Presence::optional);
    for (const auto& chip : family.chips)
      if (const auto [it, fresh] = family_of_chip.emplace(chip, id); !fresh)
        f->error_at("chips", fmt::format("chip \"{}\" is already in family \"{}\"", chip, it->second));
    family.overrides = read_overrides(*f);
    f->finish();
    out.families.emplace(id, std::move(family));
  }
  families->finish();
}

}  // namespace

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
      out.per_chip[chip] = read_overrides(*overrides);
      overrides->finish();
    }
    chips->finish();
  }
  if (doc.contains("families")) read_families(r, doc["families"], out);
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return out;
}

}  // namespace planner::specs
