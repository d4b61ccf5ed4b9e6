#include "cost/cost.h"

#include <algorithm>

#include "cost/fabric.h"

namespace planner::cost {

namespace {

constexpr double kHoursPerYear = 8760;

struct Power {
  double it_mw = 0;
  double facility_mw = 0;
  double average_mw = 0;
};

Power power_of(const Deployment& d, const Assumptions& a) {
  const double n = static_cast<double>(d.chips);
  const double tdp_w = d.chip->tdp_w.value;
  const double host_w = d.system ? d.system->host_power_w_per_chip.value : 0;
  double host_typical_w = host_w * a.host_typical_share;
  if (d.system && d.system->host_typical_w_per_chip) host_typical_w = d.system->host_typical_w_per_chip->value;
  const double pue = d.site->pue.value;
  Power p;
  p.it_mw = n * (tdp_w + host_w) / 1e6;
  p.facility_mw = p.it_mw * pue;
  p.average_mw = n * (tdp_w * a.load_factor + host_typical_w) * pue / 1e6;
  return p;
}

// Rent per chip-hour: the flat --rent-usd-per-chip-hour, else the chip's market rent.
void price_rent(const Deployment& d, const Assumptions& a, Cost& c) {
  if (a.rental_usd_per_chip_hour) {
    c.rental_usd_per_chip_hour = *a.rental_usd_per_chip_hour;
  } else if (const auto* r = a.model ? a.model->find_rental(d.chip->id) : nullptr) {
    c.rental_usd_per_chip_hour = r->usd_per_chip_hour.value;
  } else {
    c.priced = false;
    c.why_unpriced = "no market rent for " + d.chip->id + " in the cost model's rent table";
    return;
  }
  c.rental_usd_per_year = static_cast<double>(d.chips) * c.rental_usd_per_chip_hour * kHoursPerYear;
}

void price_ownership(const Deployment& d, const Assumptions& a, Cost& c) {
  const double n = static_cast<double>(d.chips);
  c.chip_capex_usd = n * d.chip->unit_price(d.site->country).value;
  c.system_capex_usd = n * (d.system ? d.system->system_cost_usd_per_chip.value : 0);
  const auto fabric = fabric_price(a.model ? a.model->fabric : std::vector<specs::FabricTier>{}, d.chips,
                                   d.system ? d.system->chips_per_system : 1);
  c.fabric_capex_usd = n * fabric.usd_per_chip;
  c.fabric_tier = fabric.tier;
  c.facility_capex_usd = c.it_power_mw * d.site->facility_capex_usd_per_mw.value;
  const double it_capex = c.chip_capex_usd + c.system_capex_usd + c.fabric_capex_usd;
  c.capex_usd = it_capex + c.facility_capex_usd;
  c.residual_usd = it_capex * a.residual_share;
  c.capex_usd_per_year =
      capital_charge_usd_per_year(it_capex, c.residual_usd, a.cost_of_capital, a.chip_life_years) +
      capital_charge_usd_per_year(c.facility_capex_usd, 0, a.cost_of_capital, a.building_life_years);
  c.opex = opex_of({it_capex, c.capex_usd, c.it_power_mw, n}, a.opex);
}

}  // namespace

Assumptions from_data(const specs::CostModel& model, Assumptions a) {
  const auto& f = model.finance;
  a.cost_of_capital = f.cost_of_capital.value;
  a.residual_share = f.residual_share.value;
  a.host_typical_share = f.host_typical_share.value;
  a.serving_utilisation = f.serving_utilisation.value;
  a.opex = {f.maintenance_share_per_year.value,   f.operations_staff_per_mw.value,
            f.staff_usd_per_year.value,           f.software_usd_per_chip_year.value,
            f.insurance_tax_share_per_year.value, f.spares_share_per_year.value};
  a.model = &model;
  return a;
}

double subsidy_fraction(const specs::Site& site, const specs::Accelerator& chip, SubsidyScenario scenario) {
  if (scenario == SubsidyScenario::none) return 0;
  const bool domestic = chip.origin_country == site.country;
  double fraction = 0;
  for (const auto& s : site.subsidies) {
    if (s.applies_to != specs::SubsidyScope::all && !domestic) continue;
    double refund = s.fraction.value;
    if (scenario == SubsidyScenario::headline)
      for (const auto& alt : s.fraction.provenance.alternatives) refund = std::max(refund, std::clamp(alt.value, 0.0, 1.0));
    fraction = std::max(fraction, refund);
  }
  return fraction;
}

Cost cost_of(const Deployment& d, const Assumptions& a) {
  Cost c;
  const auto& site = *d.site;
  const double n = static_cast<double>(d.chips);
  c.domestic = d.chip->origin_country == site.country;
  c.subsidy_fraction = subsidy_fraction(site, *d.chip, a.subsidies);
  const auto power = power_of(d, a);
  c.it_power_mw = power.it_mw;
  c.power_mw = power.facility_mw;
  c.average_power_mw = power.average_mw;
  c.energy_mwh_per_year = c.average_power_mw * kHoursPerYear;
  const double tco2_per_year = c.energy_mwh_per_year * site.grid_gco2_per_kwh.value / 1000;
  c.carbon_usd_per_year = tco2_per_year * a.carbon_usd_per_tco2;
  const bool renting = a.rental_usd_per_chip_hour || a.market_rent;
  if (renting) {
    // Rented capacity carries its own facility, power and operations in the hourly price.
    price_rent(d, a, c);
  } else {
    c.energy_usd_per_year_unsubsidized = c.energy_mwh_per_year * 1000 * site.electricity_usd_per_kwh.value;
    c.energy_usd_per_year = c.energy_usd_per_year_unsubsidized * (1 - c.subsidy_fraction);
    price_ownership(d, a, c);
  }
  c.usd_per_year = c.capex_usd_per_year + c.opex.total_usd_per_year + c.energy_usd_per_year +
                   c.carbon_usd_per_year + c.rental_usd_per_year;
  c.usd_per_chip_hour = n > 0 ? c.usd_per_year / (n * kHoursPerYear) : 0;
  c.tco_usd = c.usd_per_year * a.chip_life_years;
  c.job_cost_usd = c.usd_per_year * d.years;
  c.energy_mwh = c.energy_mwh_per_year * d.years;
  c.tco2 = tco2_per_year * d.years;
  return c;
}

Cost scaled(Cost c, double share) {
  for (double* amount :
       {&c.chip_capex_usd, &c.system_capex_usd, &c.fabric_capex_usd, &c.facility_capex_usd, &c.capex_usd,
        &c.residual_usd, &c.it_power_mw, &c.power_mw, &c.average_power_mw, &c.capex_usd_per_year,
        &c.opex.maintenance_usd_per_year, &c.opex.staff_usd_per_year, &c.opex.software_usd_per_year,
        &c.opex.insurance_tax_usd_per_year, &c.opex.spares_usd_per_year, &c.opex.total_usd_per_year,
        &c.energy_mwh_per_year, &c.energy_usd_per_year, &c.energy_usd_per_year_unsubsidized, &c.carbon_usd_per_year,
        &c.rental_usd_per_year, &c.usd_per_year, &c.tco_usd, &c.job_cost_usd, &c.energy_mwh, &c.tco2})
    *amount *= share;
  return c;
}

}  // namespace planner::cost
