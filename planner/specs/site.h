#pragma once
// A data-centre site: what power costs there, how efficiently it is used,
// how much is available, and the subsidies that apply.

#include <string>
#include <vector>

#include "specs/sourced.h"

namespace planner::specs {

enum class SubsidyScope { domestic_chips, all };

struct Subsidy {
  std::string kind;  // "power_bill_refund"
  Sourced fraction;  // share of the power bill refunded, 0..1
  SubsidyScope applies_to = SubsidyScope::domestic_chips;
  std::string note;
};

struct Site {
  std::string id;
  std::string name;
  std::string country;  // ISO 3166-1 alpha-2
  std::string region;
  std::string file;
  std::string json_path;  // where in the file, "/sites/3"

  Sourced electricity_usd_per_kwh;  // before any subsidy
  Sourced pue;
  Sourced power_available_mw;
  Sourced grid_gco2_per_kwh;
  Sourced facility_capex_usd_per_mw;
  std::vector<Subsidy> subsidies;
};

}  // namespace planner::specs
