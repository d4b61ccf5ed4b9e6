#pragma once
// Why a plan is what it is: for a feasible plan, the limit that kept each
// cheaper option out; for an infeasible one, what binds, by how much, and
// the ways out, each checked by re-planning with that one change.

#include <vector>

#include "search/plan_model.h"

namespace planner::search {

// Sets held_by on every unchosen option that alone beats its workload's choice.
void explain_unchosen(const Model& m, const std::vector<long long>& steps, std::vector<Candidate>& candidates);

// Fills out.binding and out.ways_out for an infeasible plan.
void explain(const specs::Catalog& catalog, const PlanRequest& request, const Model& m, PlanResult& out);

}  // namespace planner::search
