#pragma once
// What a deployment costs, in the terms a finance team uses: capex split into
// chips, systems, scale-out fabric and facility; a yearly cost of ownership
// (capital recovered at the cost of capital, opex line by line, energy after
// subsidy, carbon); the cluster's lifetime TCO over the chip life; a job's
// share of it; USD per chip-hour; or market rent instead of purchase.

#include <optional>
#include <string>

#include "cost/finance.h"
#include "cost/opex.h"
#include "specs/accelerator.h"
#include "specs/cost_model.h"
#include "specs/site.h"
#include "specs/system.h"

namespace planner::cost {

// Which refund a site's power-bill subsidy gives: the effective one the data
// records as the value (default), the headline "up to" figure among its
// alternatives (the largest published), or none.
enum class SubsidyScenario { effective, headline, none };

// Defaults the user can override on the command line. The values here are the
// bare model (no cost of capital, no opex): the CLI starts from the finance
// defaults of hw_specs/cost/ instead (cost::from_data).
struct Assumptions {
  // Chips, servers and fabric are written off over 5 years (the ~4-5 years
  // DESIGN.md names; hyperscalers depreciate servers over 5-6 years in their 2024-25 filings).
  double chip_life_years = 5;
  // Buildings, power and cooling over 15 years.
  double building_life_years = 15;
  // Annual cost of capital; 0 = straight line.
  double cost_of_capital = 0;
  // Average chip power over a job as a share of TDP: estimate; training runs
  // hold GPUs near their limit between checkpoints and stalls.
  double load_factor = 0.8;
  double residual_share = 0;       // of IT capex, recovered at the end of the chip life
  double host_typical_share = 1;   // host typical draw / nameplate, for systems that give no typical draw
  double serving_utilisation = 1;  // average served load / the peak a serving fleet is sized for
  double carbon_usd_per_tco2 = 0;
  SubsidyScenario subsidies = SubsidyScenario::effective;
  OpexRates opex;
  // Fabric tiers and market rents; null: no fabric cost, no market rents.
  const specs::CostModel* model = nullptr;
  // When set, chips are rented at this price per chip-hour (power included)
  // and nothing is bought.
  std::optional<double> rental_usd_per_chip_hour;
  // Rent each chip at its market rent from the cost model's table.
  bool market_rent = false;
};

// The finance defaults of `model` on top of `a`'s lives and load factor.
Assumptions from_data(const specs::CostModel& model, Assumptions a = {});

// One chip type at one site.
struct Deployment {
  const specs::Accelerator* chip = nullptr;
  const specs::System* system = nullptr;  // host power and server cost; may be null (then both are 0)
  const specs::Site* site = nullptr;
  long long chips = 0;
  double years = 1;  // how long the job runs: a training job's duration or a serving horizon
};

struct Cost {
  bool priced = true;              // false: renting a chip the rent table lacks (why_unpriced says so)
  std::string why_unpriced;
  bool domestic = false;           // chip origin == site country
  double subsidy_fraction = 0;     // of the power bill refunded
  // Capex (0 when rented).
  double chip_capex_usd = 0;
  double system_capex_usd = 0;     // servers without the chips
  double fabric_capex_usd = 0;     // scale-out switches, cables and optics
  std::string fabric_tier;         // "none" inside one system
  double facility_capex_usd = 0;   // IT load (nameplate) x USD per MW of IT load
  double capex_usd = 0;            // the four above
  double residual_usd = 0;         // IT capex recovered at the end of the chip life
  // Power.
  double it_power_mw = 0;          // chips at TDP and hosts at nameplate: sizes the facility
  double power_mw = 0;             // facility power at nameplate (IT x PUE): what the site must supply
  double average_power_mw = 0;     // chips at the load factor, hosts at typical draw, x PUE: bills energy
  // Yearly cost of ownership and its lines.
  double capex_usd_per_year = 0;   // capital charge at the cost of capital, net of residual value
  Opex opex;
  double energy_mwh_per_year = 0;
  double energy_usd_per_year = 0;  // after subsidy
  double energy_usd_per_year_unsubsidized = 0;
  double carbon_usd_per_year = 0;  // tCO2 x the carbon price
  double rental_usd_per_year = 0;
  double rental_usd_per_chip_hour = 0;
  double usd_per_year = 0;         // all of the yearly lines
  double usd_per_chip_hour = 0;    // usd_per_year / (chips x 8,760 h)
  // Over the chip life: `chip_life_years` of the yearly cost.
  double tco_usd = 0;
  // Over the deployment's `years`: the job's share of the yearly cost.
  double job_cost_usd = 0;
  double energy_mwh = 0;           // over `years`
  double tco2 = 0;                 // over `years`
};

// The subsidy share of the power bill that applies to `chip` at `site`.
double subsidy_fraction(const specs::Site& site, const specs::Accelerator& chip,
                        SubsidyScenario scenario = SubsidyScenario::effective);

Cost cost_of(const Deployment& d, const Assumptions& a);

// `c` for `share` of its chips: every amount scales, per-chip rates do not.
Cost scaled(Cost c, double share);

}  // namespace planner::cost
