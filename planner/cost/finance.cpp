#include "cost/finance.h"

#include <cmath>

namespace planner::cost {

double capital_recovery_factor(double rate, double years) {
  if (years <= 0) return 0;
  if (rate <= 0) return 1 / years;
  const double growth = std::pow(1 + rate, years);
  return rate * growth / (growth - 1);
}

double discount_factor(double rate, double years) { return rate <= 0 ? 1 : std::pow(1 + rate, -years); }

double capital_charge_usd_per_year(double capex_usd, double residual_usd, double rate, double life_years) {
  return (capex_usd - residual_usd * discount_factor(rate, life_years)) * capital_recovery_factor(rate, life_years);
}

}  // namespace planner::cost
