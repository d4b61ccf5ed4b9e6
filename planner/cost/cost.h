#pragma once
// What a deployment costs: capital (chips, systems, facility), power and
// energy at a site (with the subsidies that apply), amortisation over stated
// lifetimes with an optional cost of capital, or rental instead of purchase;
// and from those the TCO of a job or a horizon, USD per run and per million
// tokens, MW, MWh and tonnes of CO2.

#include <optional>
#include <string>

#include "specs/accelerator.h"
#include "specs/site.h"
#include "specs/system.h"

namespace planner::cost {

// Defaults the user can override on the command line; each is stated in the
// README with where it comes from.
struct Assumptions {
  // Chips and servers are written off over 5 years (the ~4-5 years DESIGN.md
  // names; hyperscalers depreciate servers over 5-6 years in their 2024-25 filings).
  double chip_life_years = 5;
  // Buildings, power and cooling over 15 years.
  double building_life_years = 15;
  // Annual cost of capital for the capital recovery factor; 0 = straight line.
  double cost_of_capital = 0;
  // Average chip power over a job as a share of TDP: estimate; training runs
  // hold GPUs near their limit between checkpoints and stalls.
  double load_factor = 0.8;
  // When set, chips are rented at this price per chip-hour (power included)
  // and nothing is bought.
  std::optional<double> rental_usd_per_chip_hour;
};

// One chip type at one site.
struct Deployment {
  const specs::Accelerator* chip = nullptr;
  const specs::System* system = nullptr;  // host power and server cost; may be null (then both are 0)
  const specs::Site* site = nullptr;
  long long chips = 0;
  double years = 1;  // how long the deployment runs: a job's duration or a serving horizon
};

struct Cost {
  bool domestic = false;           // chip origin == site country
  double subsidy_fraction = 0;     // of the power bill refunded
  double chip_capex_usd = 0;
  double system_capex_usd = 0;
  double facility_capex_usd = 0;
  double capex_usd = 0;            // sum of the three; 0 when rented
  double it_power_mw = 0;          // chips and hosts at full TDP
  double power_mw = 0;             // facility power at full TDP (IT x PUE): what the site must supply
  double average_power_mw = 0;     // facility power at the load factor
  double energy_mwh_per_year = 0;
  double energy_usd_per_year = 0;  // after subsidy
  double energy_usd_per_year_unsubsidized = 0;
  double capex_usd_per_year = 0;   // amortised
  double rental_usd_per_year = 0;
  double tco_usd = 0;              // over `years`: amortised capex (or rent) plus energy
  double energy_mwh = 0;           // over `years`
  double tco2 = 0;                 // over `years`
};

// Capital recovery factor: the annual payment that repays 1 over `years` at
// `rate`; 1/years when the rate is 0.
double capital_recovery_factor(double rate, double years);

// The subsidy share of the power bill that applies to `chip` at `site`.
double subsidy_fraction(const specs::Site& site, const specs::Accelerator& chip);

Cost cost_of(const Deployment& d, const Assumptions& a);

}  // namespace planner::cost
