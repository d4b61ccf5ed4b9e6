#pragma once
// Which coupled limits each option breaks on its own. `compare` prices every
// chip alone for the whole workload; a row that needs more power than the
// site has, or more chips than a cap allows, says so and shows the count the
// limit leaves, as `plan` would enforce it.

#include <vector>

#include "search/plan.h"
#include "search/plan_model.h"

namespace planner::search {

// Fills Candidate::over_limits of every usable candidate, and `out.limits`
// with each limit some candidate exceeds, from the model's rows (hard limits)
// and its quotas (licence-free allowances included).
void mark_over_limits(const Model& m, PlanResult& out);

}  // namespace planner::search
