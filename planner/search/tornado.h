#pragma once
// Sensitivity of a plan's cost (a tornado chart): each uncertain input of the
// chosen options (a chip's price, a site's power price and PUE, a refund, the
// chips' GEMM efficiency, a binding cap, the cost of capital) moved alone to
// the low and the high end of its recorded range, the whole plan re-made at
// each end, and the inputs ranked by how far the plan's TCO moves. Ranges come
// from the data (an estimate's `range`, or the spread of the published
// `alternatives`); an input with neither is moved by a stated default share,
// and the bar says so.

#include <string>
#include <vector>

#include "search/plan.h"
#include "search/sweep.h"

namespace planner::search {

// An input with no recorded range moves this share either way.
inline constexpr double kDefaultRangeShare = 0.2;

struct TornadoInput {
  SweepAxis axis;       // the sweep key it moves ("price:h200-sxm", "electricity:us-tx", "efficiency", ...)
  std::string label;    // "price of h200-sxm"
  std::string unit;
  double current = 0;   // the value in the plan (for multipliers: 1)
  double low = 0, high = 0;
  std::string basis;    // where the range comes from: "recorded range", "published alternatives", ...
};

struct TornadoBar {
  TornadoInput input;
  double tco_low_usd = 0;   // the plan's total TCO with the input at its low end
  double tco_high_usd = 0;  // ... and at its high end
  bool feasible_low = true, feasible_high = true;
  std::string chosen_low, chosen_high;  // what the plan buys at each end: "hgx-h200-8 at cn-gansu"
  // |high - low|; infinite when either end has no feasible plan.
  double swing_usd() const;
};

// The uncertain inputs of a feasible plan's chosen options.
std::vector<TornadoInput> tornado_inputs(const specs::Catalog& catalog, const PlanRequest& request,
                                         const PlanResult& plan);

// Re-makes the plan at both ends of every input, on `threads` threads; bars
// sorted by swing, largest first.
std::vector<TornadoBar> tornado(const specs::Catalog& catalog, const PlanRequest& request, const PlanResult& plan,
                                int threads = 1);

}  // namespace planner::search
