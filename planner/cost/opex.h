#pragma once
// Operating costs of an owned cluster, per year, line by line. Each rate is a
// finance default from hw_specs/cost/ that the CLI can override or set to 0.

namespace planner::cost {

struct OpexRates {
  double maintenance_share_per_year = 0;    // of IT capex (chips, systems, fabric)
  double operations_staff_per_mw = 0;       // full-time staff per MW of IT load (nameplate)
  double staff_usd_per_year = 0;            // loaded cost of one staff member
  double software_usd_per_chip_year = 0;    // licences and support per chip
  double insurance_tax_share_per_year = 0;  // of all capex, facility included
  double spares_share_per_year = 0;         // of IT capex
};

struct Opex {
  double maintenance_usd_per_year = 0;
  double staff_usd_per_year = 0;
  double software_usd_per_year = 0;
  double insurance_tax_usd_per_year = 0;
  double spares_usd_per_year = 0;
  double total_usd_per_year = 0;  // the sum of the five
};

struct OpexBasis {
  double it_capex_usd = 0;  // chips + systems + fabric
  double capex_usd = 0;     // IT capex + facility
  double it_power_mw = 0;   // nameplate IT load
  double chips = 0;
};

Opex opex_of(const OpexBasis& basis, const OpexRates& rates);

}  // namespace planner::cost
