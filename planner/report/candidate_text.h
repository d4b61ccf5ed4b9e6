#pragma once
// What the plan writers say about a candidate: its workload's kind and name,
// and the chip label people see (the system id when there is one).

#include <string>

#include "search/plan.h"

namespace planner::report {

inline bool is_training(const search::PlanRequest& r, const search::Candidate& c) {
  return r.workloads[static_cast<std::size_t>(c.workload)].kind == workload::Kind::training;
}

inline const std::string& workload_name(const search::PlanRequest& r, const search::Candidate& c) {
  return r.workloads[static_cast<std::size_t>(c.workload)].name;
}

inline std::string chip_label(const search::Candidate& c) { return c.system.empty() ? c.chip : c.system; }

}  // namespace planner::report
