#pragma once
// What the plan writers say about a candidate: its workload's kind and name,
// the chip label people see (the system id when there is one), and the
// limits it breaks alone.

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

// True when the option alone breaks a hard limit (site power, --max-mw,
// --budget-usd, a cap beyond which it is barred).
bool over_hard_limit(const search::PlanResult& plan, const search::Candidate& c);

// "over power available at cn-gansu (150 MW): needs 168.2 MW, limit 150.0 MW;
// 104,160 chips fit" for each limit the option alone exceeds (the first
// kMaxLimitsShown, then how many more), joined by "; " ("" when none).
inline constexpr std::size_t kMaxLimitsShown = 3;
std::string over_limit_text(const search::PlanResult& plan, const search::Candidate& c);

}  // namespace planner::report
