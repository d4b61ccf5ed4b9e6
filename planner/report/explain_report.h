#pragma once
// "Every plan explains itself": for each workload of a feasible plan, the
// runner-up and its margin, and the chosen chip type's cost at every site it
// was priced at, as JSON (`explanations[]`) and as lines under the plan table.

#include <string>

#include "search/alternatives.h"
#include "search/plan.h"
#include "util/json_reader.h"

namespace planner::report {

// The objective's value in its unit, for people: "11.9 M$ TCO" ("11.9 M$"
// unless `named`), "57.0 days", "1,234 MWh", "56 tCO2".
std::string objective_text(const search::PlanRequest& r, const search::Candidate& c, double value, bool named = true);
// The objective's unit as JSON names it: usd, days, mwh or tco2.
std::string objective_unit(const search::PlanRequest& r, const search::Candidate& c);
// "mi355x-8 at us-tx" (the system id when there is one).
std::string option_label(const search::Candidate& c);

util::Json explanations_json(const search::PlanRequest& r, const search::PlanResult& plan);
std::string explanations_table(const search::PlanRequest& r, const search::PlanResult& plan);

}  // namespace planner::report
