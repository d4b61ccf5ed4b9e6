#pragma once
// Break-even points: for each workload of a feasible plan, the chosen option
// and the runner-up (the best usable option on another chip type), and for
// each continuous input the value at which the two swap: "ascend-910c at
// cn-gansu becomes cheaper above 0.11 USD/kWh", "... below 14,800 USD per
// h200-sxm". Found on the plan itself: the two options re-priced with the
// input changed (their sizing kept), the crossing located by the secant
// (costs are linear in power price, chip price and subsidy) and confirmed, or
// by bisection where the cost is not linear (cost of capital).

#include <optional>
#include <string>
#include <vector>

#include "search/plan.h"
#include "search/sweep.h"

namespace planner::search {

struct BreakEven {
  std::string workload;
  std::string chosen;     // "hgx-h200-8 at cn-gansu"
  std::string runner_up;  // "cloudmatrix-384 at cn-gansu"
  std::string input;      // a sweep key: "electricity", "price:h200-sxm", "subsidy", "cost-of-capital"
  std::string unit;       // "USD/kWh"
  double current = 0;     // the input's value in the plan (a site's price, a chip's price)
  double value = 0;       // where the two options cost the same
  bool runner_up_wins_above = false;  // the runner-up is cheaper above `value` (else below)
  double margin = 0;      // the runner-up's objective over the chosen one's at `current`, as a share
};

// Break-evens of `plan` (made from `request` on `catalog`) whose value lies
// within the input's range; inputs that never swap the two are left out.
std::vector<BreakEven> break_evens(const specs::Catalog& catalog, const PlanRequest& request, const PlanResult& plan);

// "ascend-910c at cn-gansu becomes cheaper than hgx-h200-8 at cn-gansu above 0.11 USD/kWh (now 0.05)".
std::string describe(const BreakEven& b);

}  // namespace planner::search
