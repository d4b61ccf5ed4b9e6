#include "cost/opex.h"

namespace planner::cost {

Opex opex_of(const OpexBasis& b, const OpexRates& r) {
  Opex o;
  o.maintenance_usd_per_year = b.it_capex_usd * r.maintenance_share_per_year;
  o.staff_usd_per_year = b.it_power_mw * r.operations_staff_per_mw * r.staff_usd_per_year;
  o.software_usd_per_year = b.chips * r.software_usd_per_chip_year;
  o.insurance_tax_usd_per_year = b.capex_usd * r.insurance_tax_share_per_year;
  o.spares_usd_per_year = b.it_capex_usd * r.spares_share_per_year;
  o.total_usd_per_year = o.maintenance_usd_per_year + o.staff_usd_per_year + o.software_usd_per_year +
                         o.insurance_tax_usd_per_year + o.spares_usd_per_year;
  return o;
}

}  // namespace planner::cost
