#pragma once
// The plan's mixed-integer program: one option per usable candidate, and the
// coupled limits (site power, --max-mw, --budget-usd, policy caps) as rows.
// Shared by the plan stage, its explanations and its checked ways out.

#include <string>
#include <vector>

#include "search/fleet.h"
#include "search/plan.h"

namespace planner::search {

// A policy cap or quota with its terms, and what a plan beyond it needs.
struct CapTerms {
  FleetConstraint constraint;
  policy::Verdict above = policy::Verdict::banned;
};

struct Model {
  FleetProblem problem;
  std::vector<std::size_t> option_candidate;  // option index -> candidate index
  // Every cap and quota that counts an option, hard or not (a licence-free
  // allowance is a row of `problem` only when licences are refused).
  std::vector<CapTerms> quotas;
};

Model build_model(const specs::Catalog& catalog, const PlanRequest& request, const std::vector<Candidate>& candidates,
                  const std::vector<const specs::Site*>& sites);

std::string chip_label(const Candidate& c);
// An amount in a limit's unit: megawatts to a tenth (a 0.5 MW limit is not
// "0"), other units whole, with thousands separators.
std::string limit_amount(LimitKind kind, double value);
inline std::string limit_amount(const FleetConstraint& c, double value) { return limit_amount(c.kind, value); }
// The training deadline of `w` under the request, days.
double deadline_of(const PlanRequest& r, const workload::Workload& w);

}  // namespace planner::search
