#pragma once
// Why each workload's choice won, read off a plan's result: the runner-up
// (the best usable option of another chip type) and its margin, and the
// chosen chip type at every site it was priced at (the site-vs-site view).
// Margins compare options alone, each sized for the workload's whole demand.

#include <cstddef>
#include <optional>
#include <vector>

#include "search/plan.h"

namespace planner::search {

struct ChoiceExplanation {
  int workload = 0;
  std::size_t chosen = 0;                // candidate index: the workload's first chosen option
  std::optional<std::size_t> runner_up;  // candidate index
  // Runner-up objective minus the chosen option's, both alone (USD for tco,
  // days for time on training, MWh for energy, tCO2 for carbon); negative
  // when a coupled limit held a better option out (its held_by says which).
  double margin = 0;
  double margin_fraction = 0;  // margin / the chosen option's objective (0 when that is 0)
  // Candidate indices of the chosen chip type at each site: usable first,
  // then by objective; unusable ones carry why_not.
  std::vector<std::size_t> sites;
};

// One entry per workload that has a chosen option, in workload order; empty
// for an infeasible plan.
std::vector<ChoiceExplanation> explain_choices(const PlanResult& plan);

}  // namespace planner::search
