#include "specs/cost_model.h"

#include <fmt/format.h>

namespace planner::specs {

using util::Json;
using util::ObjectReader;
using util::Presence;
using util::Range;

namespace {

const Range kShare{0, 1};

FinanceDefaults read_finance(ObjectReader& r) {
  FinanceDefaults f;
  auto get = [&](Sourced& out, std::string_view key, const Range& range) {
    if (auto v = read_sourced(r, key, Presence::required, range)) out = std::move(*v);
  };
  get(f.cost_of_capital, "cost_of_capital", {0, 1});
  get(f.maintenance_share_per_year, "maintenance_share_per_year", kShare);
  get(f.operations_staff_per_mw, "operations_staff_per_mw", {0, 100});
  get(f.staff_usd_per_year, "staff_usd_per_year", {0, 1e7});
  get(f.software_usd_per_chip_year, "software_usd_per_chip_year", {0, 1e5});
  get(f.insurance_tax_share_per_year, "insurance_tax_share_per_year", kShare);
  get(f.spares_share_per_year, "spares_share_per_year", kShare);
  get(f.residual_share, "residual_share", kShare);
  get(f.serving_utilisation, "serving_utilisation", {0.01, 1});
  get(f.host_typical_share, "host_typical_share", {0.05, 1});
  r.finish();
  return f;
}

std::vector<FabricTier> read_fabric(ObjectReader& parent) {
  std::vector<FabricTier> out;
  const Json* list = parent.array("fabric", Presence::required);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader t((*list)[i], util::json_pointer_append(parent.path_of("fabric"), i), parent.file(),
                   parent.diagnostics());
    FabricTier tier;
    tier.name = t.string("name", Presence::required).value_or("");
    if (auto up = t.integer("up_to_chips", Presence::optional, {1, 1e9})) tier.up_to_chips = *up;
    if (auto v = read_sourced(t, "usd_per_chip", Presence::required, {0, 1e6})) tier.usd_per_chip = std::move(*v);
    t.finish();
    const bool last = i + 1 == list->size();
    if (!tier.up_to_chips && !last)
      t.error_at("up_to_chips", "required on every tier but the last");
    if (tier.up_to_chips && last)
      t.error_at("up_to_chips", "the last tier has no bound: it prices every larger cluster");
    if (tier.up_to_chips && !out.empty() && out.back().up_to_chips && *tier.up_to_chips <= *out.back().up_to_chips)
      t.error_at("up_to_chips", fmt::format("tiers must grow: {} follows {}", *tier.up_to_chips,
                                            *out.back().up_to_chips));
    if (!out.empty() && tier.usd_per_chip.value < out.back().usd_per_chip.value)
      t.error_at("usd_per_chip", fmt::format("a larger tier must not cost less per chip: {} after {}",
                                             util::format_number(tier.usd_per_chip.value),
                                             util::format_number(out.back().usd_per_chip.value)));
    out.push_back(std::move(tier));
  }
  return out;
}

std::vector<Rental> read_rentals(ObjectReader& parent) {
  std::vector<Rental> out;
  const Json* list = parent.array("rentals", Presence::optional);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader t((*list)[i], util::json_pointer_append(parent.path_of("rentals"), i), parent.file(),
                   parent.diagnostics());
    Rental rent;
    rent.accelerator = t.string("accelerator", Presence::required).value_or("");
    if (auto v = read_sourced(t, "usd_per_chip_hour", Presence::required, {0.01, 1000}))
      rent.usd_per_chip_hour = std::move(*v);
    t.finish();
    for (const auto& seen : out)
      if (seen.accelerator == rent.accelerator)
        t.error_at("accelerator", "\"" + rent.accelerator + "\" already has a rent in this table");
    out.push_back(std::move(rent));
  }
  return out;
}

}  // namespace

const Rental* CostModel::find_rental(std::string_view accelerator) const {
  for (const auto& r : rentals)
    if (r.accelerator == accelerator) return &r;
  return nullptr;
}

std::optional<CostModel> read_cost_model(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  CostModel out;
  out.file = file;
  if (const auto kind = r.string("kind", Presence::required); kind && *kind != kKindCostModel)
    r.error_at("kind", "expected \"cost_model\", got \"" + *kind + "\"");
  r.string("description", Presence::optional);
  if (auto finance = r.object("finance", Presence::required)) out.finance = read_finance(*finance);
  out.fabric = read_fabric(r);
  out.rentals = read_rentals(r);
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return out;
}

}  // namespace planner::specs
