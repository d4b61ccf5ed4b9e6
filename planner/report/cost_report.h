#pragma once
// The cost lines of plan and compare: the JSON fields of a priced option, the
// breakdown of a chosen plan, and the assumptions printed under a table.

#include <string>

#include "cost/cost.h"
#include "util/json_reader.h"

namespace planner::report {

// Every cost field of `k` (README "JSON fields"): capex split, yearly lines,
// lifetime TCO, job cost, USD per chip-hour.
util::Json cost_json(const cost::Cost& k);

// A chosen option's costs, a few lines: capex split, yearly cost of ownership
// line by line, USD per chip-hour.
std::string cost_breakdown(const cost::Cost& k, long long chips);

// The finance assumptions behind the figures, for under a table.
std::string assumptions_text(const cost::Assumptions& a, double serving_years);

}  // namespace planner::report
