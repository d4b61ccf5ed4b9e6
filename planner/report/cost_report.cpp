#include "report/cost_report.h"

#include <fmt/format.h>

#include "report/table.h"

namespace planner::report {

using util::Json;

namespace {

std::string musd(double usd) { return fixed(usd / 1e6, 1); }

std::string percent(double share) { return fmt::format("{:g}%", share * 100); }

}  // namespace

Json cost_json(const cost::Cost& k) {
  const auto& o = k.opex;
  return {{"capex_usd", k.capex_usd},
          {"chip_capex_usd", k.chip_capex_usd},
          {"system_capex_usd", k.system_capex_usd},
          {"fabric_capex_usd", k.fabric_capex_usd},
          {"fabric_tier", k.fabric_tier},
          {"facility_capex_usd", k.facility_capex_usd},
          {"residual_usd", k.residual_usd},
          {"capex_usd_per_year", k.capex_usd_per_year},
          {"opex_usd_per_year", o.total_usd_per_year},
          {"opex",
           {{"maintenance_usd_per_year", o.maintenance_usd_per_year},
            {"staff_usd_per_year", o.staff_usd_per_year},
            {"software_usd_per_year", o.software_usd_per_year},
            {"insurance_tax_usd_per_year", o.insurance_tax_usd_per_year},
            {"spares_usd_per_year", o.spares_usd_per_year}}},
          {"energy_usd_per_year", k.energy_usd_per_year},
          {"energy_usd_per_year_unsubsidized", k.energy_usd_per_year_unsubsidized},
          {"carbon_usd_per_year", k.carbon_usd_per_year},
          {"rental_usd_per_year", k.rental_usd_per_year},
          {"rental_usd_per_chip_hour", k.rental_usd_per_chip_hour},
          {"usd_per_year", k.usd_per_year},
          {"usd_per_chip_hour", k.usd_per_chip_hour},
          {"tco_usd", k.tco_usd},
          {"job_cost_usd", k.job_cost_usd},
          {"it_power_mw", k.it_power_mw},
          {"power_mw", k.power_mw},
          {"average_power_mw", k.average_power_mw},
          {"energy_mwh", k.energy_mwh},
          {"tco2", k.tco2}};
}

std::string cost_breakdown(const cost::Cost& k, long long chips) {
  const double per_chip_hour = chips > 0 ? 1.0 / (static_cast<double>(chips) * 8760) : 0;
  auto hourly = [&](double usd_per_year) { return fixed(usd_per_year * per_chip_hour, 3); };
  if (k.rental_usd_per_year > 0)
    return fmt::format("  cost: rented at {} USD per chip-hour, {} M$ a year{}\n", fixed(k.rental_usd_per_chip_hour, 2),
                       musd(k.rental_usd_per_year),
                       k.carbon_usd_per_year > 0 ? fmt::format(" plus carbon {} M$", musd(k.carbon_usd_per_year)) : "");
  std::string out = fmt::format(
      "  capex {} M$: chips {}, systems {}, fabric {} ({}), facility {}; {} M$ back at end of life\n",
      musd(k.capex_usd), musd(k.chip_capex_usd), musd(k.system_capex_usd), musd(k.fabric_capex_usd), k.fabric_tier,
      musd(k.facility_capex_usd), musd(k.residual_usd));
  const auto& o = k.opex;
  out += fmt::format(
      "  per year {} M$ = {} USD per chip-hour: capital {}, maintenance {}, staff {}, software {}, insurance and tax {}, "
      "spares {}, energy {}{}\n",
      musd(k.usd_per_year), fixed(k.usd_per_chip_hour, 2), hourly(k.capex_usd_per_year),
      hourly(o.maintenance_usd_per_year), hourly(o.staff_usd_per_year), hourly(o.software_usd_per_year),
      hourly(o.insurance_tax_usd_per_year), hourly(o.spares_usd_per_year), hourly(k.energy_usd_per_year),
      k.carbon_usd_per_year > 0 ? ", carbon " + hourly(k.carbon_usd_per_year) : "");
  return out;
}

std::string assumptions_text(const cost::Assumptions& a, double serving_years) {
  if (a.rental_usd_per_chip_hour)
    return fmt::format("assumptions: renting at {} USD per chip-hour (power, facility and operations included)\n",
                       *a.rental_usd_per_chip_hour);
  if (a.market_rent) return "assumptions: renting each chip at its market rent (hw_specs/cost rent table)\n";
  const auto& o = a.opex;
  return fmt::format(
      "assumptions: cost of capital {}; chips, systems and fabric over {} years ({} back at the end), facility over {} "
      "years per MW of IT load; maintenance {} and spares {} of IT capex a year; {} staff per MW at {} USD; software "
      "{} USD per chip-year; insurance and tax {} of capex a year; chips at {} of TDP, hosts at {} of nameplate "
      "where no typical draw is given; serving {} of peak over {} years; carbon {} USD/tCO2\n"
      "TCO = the cluster's yearly cost over its {}-year chip life; JOB = a training job's days of it (serving: the "
      "horizon)\n",
      percent(a.cost_of_capital), util::format_number(a.chip_life_years), percent(a.residual_share),
      util::format_number(a.building_life_years), percent(o.maintenance_share_per_year),
      percent(o.spares_share_per_year), util::format_number(o.operations_staff_per_mw),
      grouped(o.staff_usd_per_year), grouped(o.software_usd_per_chip_year), percent(o.insurance_tax_share_per_year),
      percent(a.load_factor), percent(a.host_typical_share), percent(a.serving_utilisation),
      util::format_number(serving_years), util::format_number(a.carbon_usd_per_tco2),
      util::format_number(a.chip_life_years)) +
         (a.subsidies == cost::SubsidyScenario::headline ? "subsidies: the headline 'up to' refunds (--subsidies headline)\n"
          : a.subsidies == cost::SubsidyScenario::none   ? "subsidies: none (--subsidies none)\n"
                                                         : "");
}

}  // namespace planner::report
