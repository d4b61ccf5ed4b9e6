#pragma once
// The cost model's data (hw_specs/cost/*.json, kind "cost_model"): the finance
// defaults a plan starts from, the scale-out fabric's cost per chip by cluster
// size, and market rents per chip. Every number is a sourced value.

#include <optional>
#include <string>
#include <vector>

#include "specs/sourced.h"
#include "util/diagnostics.h"

namespace planner::specs {

// Each default the CLI can override (and set to 0 to drop the line).
struct FinanceDefaults {
  Sourced cost_of_capital;                         // per year, e.g. 0.08
  Sourced maintenance_share_per_year;              // of IT capex (chips, systems, fabric)
  Sourced operations_staff_per_mw;                 // full-time staff per MW of IT load
  Sourced staff_usd_per_year;                      // loaded cost of one operations staff member
  Sourced software_usd_per_chip_year;              // cluster software and support licences
  Sourced insurance_tax_share_per_year;            // of all capex: property insurance and property tax
  Sourced spares_share_per_year;                   // of IT capex: replacement parts beyond warranty
  Sourced residual_share;                          // of IT capex, recovered at the end of the chip life
  Sourced serving_utilisation;                     // average served load over the peak a fleet is sized for
  Sourced host_typical_share;                      // host typical draw over nameplate, when a system gives none
};

// Fabric cost per chip for clusters of up to `up_to_chips` chips (the last
// tier has no bound). A cluster of one system needs no scale-out fabric.
struct FabricTier {
  std::string name;                        // "one switch layer", ...
  std::optional<long long> up_to_chips;    // none: every larger cluster
  Sourced usd_per_chip;
};

struct Rental {
  std::string accelerator;  // accelerator id
  Sourced usd_per_chip_hour;
};

struct CostModel {
  std::string file;
  FinanceDefaults finance;
  std::vector<FabricTier> fabric;  // ascending up_to_chips, the unbounded tier last
  std::vector<Rental> rentals;

  const Rental* find_rental(std::string_view accelerator) const;
};

inline constexpr std::string_view kKindCostModel = "cost_model";

std::optional<CostModel> read_cost_model(const util::Json& doc, const std::string& file,
                                         util::Diagnostics& diagnostics);

}  // namespace planner::specs
