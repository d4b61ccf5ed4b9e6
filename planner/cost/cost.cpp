#include "cost/cost.h"

#include <algorithm>
#include <cmath>

namespace planner::cost {

namespace {
constexpr double kHoursPerYear = 8760;
}

double capital_recovery_factor(double rate, double years) {
  if (years <= 0) return 0;
  if (rate <= 0) return 1 / years;
  const double growth = std::pow(1 + rate, years);
  return rate * growth / (growth - 1);
}

double subsidy_fraction(const specs::Site& site, const specs::Accelerator& chip) {
  const bool domestic = chip.origin_country == site.country;
  double fraction = 0;
  for (const auto& s : site.subsidies)
    if (s.applies_to == specs::SubsidyScope::all || domestic) fraction = std::max(fraction, s.fraction.value);
  return fraction;
}

Cost cost_of(const Deployment& d, const Assumptions& a) {
  Cost c;
  const auto& chip = *d.chip;
  const auto& site = *d.site;
  const double n = static_cast<double>(d.chips);
  c.domestic = chip.origin_country == site.country;
  c.subsidy_fraction = subsidy_fraction(site, chip);
  const double host_w = d.system ? d.system->host_power_w_per_chip.value : 0;
  const double pue = site.pue.value;
  c.it_power_mw = n * (chip.tdp_w.value + host_w) / 1e6;
  c.power_mw = c.it_power_mw * pue;
  c.average_power_mw = n * (chip.tdp_w.value * a.load_factor + host_w) * pue / 1e6;
  c.energy_mwh_per_year = c.average_power_mw * kHoursPerYear;
  c.energy_usd_per_year_unsubsidized = c.energy_mwh_per_year * 1000 * site.electricity_usd_per_kwh.value;
  c.energy_usd_per_year = c.energy_usd_per_year_unsubsidized * (1 - c.subsidy_fraction);
  if (a.rental_usd_per_chip_hour) {
    // Rented capacity carries its own facility and power in the hourly price.
    c.rental_usd_per_year = n * *a.rental_usd_per_chip_hour * kHoursPerYear;
    c.energy_usd_per_year = c.energy_usd_per_year_unsubsidized = 0;
  } else {
    c.chip_capex_usd = n * chip.unit_usd.value;
    c.system_capex_usd = n * (d.system ? d.system->system_cost_usd_per_chip.value : 0);
    c.facility_capex_usd = c.power_mw * site.facility_capex_usd_per_mw.value;
    c.capex_usd = c.chip_capex_usd + c.system_capex_usd + c.facility_capex_usd;
    c.capex_usd_per_year =
        (c.chip_capex_usd + c.system_capex_usd) * capital_recovery_factor(a.cost_of_capital, a.chip_life_years) +
        c.facility_capex_usd * capital_recovery_factor(a.cost_of_capital, a.building_life_years);
  }
  c.tco_usd = (c.capex_usd_per_year + c.rental_usd_per_year + c.energy_usd_per_year) * d.years;
  c.energy_mwh = c.energy_mwh_per_year * d.years;
  c.tco2 = c.energy_mwh * site.grid_gco2_per_kwh.value / 1000;
  return c;
}

}  // namespace planner::cost
