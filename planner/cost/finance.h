#pragma once
// Capital charges: turning money spent up front into a yearly cost at the cost
// of capital, with the value recovered at the end of an asset's life.

namespace planner::cost {

// Capital recovery factor: the yearly payment that repays 1 over `years` at
// `rate` per year; 1/years when the rate is 0, 0 for no life.
double capital_recovery_factor(double rate, double years);

// Present value of 1 received after `years` at `rate`.
double discount_factor(double rate, double years);

// Yearly capital charge of `capex_usd` written off over `life_years` at
// `rate`, of which `residual_usd` comes back at the end of the life:
// (capex - PV(residual)) x CRF. Never decreases as the rate rises.
double capital_charge_usd_per_year(double capex_usd, double residual_usd, double rate, double life_years);

}  // namespace planner::cost
