#pragma once
// Renders plans (`plan`) and domestic-vs-imported comparisons (`compare`):
// tables with units for people, JSON and CSV for scripts.

#include <string>
#include <vector>

#include "search/plan.h"
#include "util/json_reader.h"

namespace planner::report {

struct PlanHeader {
  std::string buyer;
  bool state_funded = false;
  std::string objective;
};

// The best usable option per chip type for each workload, cheapest first by
// the objective; unusable chip types after (the alternatives and compare rows).
std::vector<const search::Candidate*> best_chip_options(const search::PlanResult& plan);
// "policy us-2026, buyer US, objective tco, chips written off over 5 years\n".
std::string plan_header_line(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h);

util::Json plan_json(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);
std::string plan_table(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);

// `compare`: one row per chip at one site, the best of each chip type.
util::Json compare_json(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);
std::string compare_table(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);

}  // namespace planner::report
