// libFuzzer target: a site table, read by specs::load_catalog from a data
// directory that holds it as sites/fuzz.json. When it loads, its renderings
// and the cost model at every site (a domestic and an imported chip, bought
// and rented) are run too.

#include <cstddef>
#include <cstdint>

#include "cost/cost.h"
#include "fuzz_common.h"
#include "report/specs_report.h"
#include "specs/catalog.h"
#include "specs/loader.h"

using namespace planner;

namespace {

void check_cost(const specs::Site& site) {
  static const specs::Accelerator us_chip = fuzz::fixed_chip("us-chip", "US", 1000, 3.35, 814, true);
  static const specs::Accelerator cn_chip = fuzz::fixed_chip("cn-chip", "CN", 300, 1.6, 0, false);
  cost::Assumptions rented;
  rented.rental_usd_per_chip_hour = 2.5;
  cost::Assumptions financed;
  financed.cost_of_capital = 0.08;
  for (const auto* chip : {&us_chip, &cn_chip}) {
    const double subsidy = cost::subsidy_fraction(site, *chip);
    fuzz::require(subsidy >= 0 && subsidy <= 1);
    for (const auto& assumptions : {cost::Assumptions{}, rented, financed}) {
      const cost::Cost c = cost::cost_of({chip, nullptr, &site, 100'000, 2}, assumptions);
      const double numbers[] = {c.capex_usd,
                                c.power_mw,
                                c.average_power_mw,
                                c.energy_mwh_per_year,
                                c.energy_usd_per_year,
                                c.capex_usd_per_year,
                                c.tco_usd,
                                c.energy_mwh,
                                c.tco2};
      for (const double x : numbers) fuzz::require(std::isfinite(x) && x >= 0);
      fuzz::require(c.energy_usd_per_year <= c.energy_usd_per_year_unsubsidized);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  util::Diagnostics diagnostics;
  specs::Catalog catalog = fuzz::load_catalog_with(data, size, "sites/fuzz.json", diagnostics);
  if (diagnostics.empty()) fuzz::require(!catalog.sites.empty());
  if (catalog.sites.empty()) return 0;
  std::string text = report::sites_table(catalog) + report::sites_list_json(catalog).dump();
  for (const auto& site : catalog.sites) {
    fuzz::require(specs::is_valid_id(site.id));
    text += report::site_json(site).dump() + report::site_details(site);
    check_cost(site);
  }
  fuzz::require(!text.empty());
  return 0;
}
