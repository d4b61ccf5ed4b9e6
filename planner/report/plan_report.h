#pragma once
// Renders plans (`plan`) and domestic-vs-imported comparisons (`compare`):
// tables with units for people, JSON and CSV for scripts.

#include <string>

#include "search/plan.h"
#include "util/json_reader.h"

namespace planner::report {

struct PlanHeader {
  std::string buyer;
  bool state_funded = false;
  std::string objective;
};

util::Json plan_json(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);
std::string plan_table(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);

// `compare`: one row per chip at one site, the best of each chip type.
util::Json compare_json(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);
std::string compare_table(const search::PlanRequest& request, const search::PlanResult& plan, const PlanHeader& h);
std::string compare_csv(const search::PlanRequest& request, const search::PlanResult& plan);

}  // namespace planner::report
