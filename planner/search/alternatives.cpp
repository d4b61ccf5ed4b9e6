#include "search/alternatives.h"

#include <algorithm>

namespace planner::search {

namespace {

bool same_type(const Candidate& a, const Candidate& b) { return a.chip == b.chip && a.system == b.system; }

bool chosen_type(const PlanResult& plan, const Candidate& c) {
  return std::any_of(plan.chosen.begin(), plan.chosen.end(), [&](const Chosen& ch) {
    const auto& x = plan.candidates[ch.candidate];
    return x.workload == c.workload && same_type(x, c);
  });
}

ChoiceExplanation explain_one(const PlanResult& plan, std::size_t chosen) {
  const auto& pick = plan.candidates[chosen];
  ChoiceExplanation e;
  e.workload = pick.workload;
  e.chosen = chosen;
  for (std::size_t i = 0; i < plan.candidates.size(); ++i) {
    const auto& c = plan.candidates[i];
    if (c.workload != pick.workload) continue;
    if (same_type(c, pick)) e.sites.push_back(i);
    else if (c.usable && !chosen_type(plan, c) &&
             (!e.runner_up || c.objective < plan.candidates[*e.runner_up].objective))
      e.runner_up = i;
  }
  std::stable_sort(e.sites.begin(), e.sites.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = plan.candidates[a];
    const auto& y = plan.candidates[b];
    if (x.usable != y.usable) return x.usable;
    return x.usable && x.objective < y.objective;
  });
  if (e.runner_up) {
    e.margin = plan.candidates[*e.runner_up].objective - pick.objective;
    e.margin_fraction = pick.objective > 0 ? e.margin / pick.objective : 0;
  }
  return e;
}

}  // namespace

std::vector<ChoiceExplanation> explain_choices(const PlanResult& plan) {
  std::vector<ChoiceExplanation> out;
  if (!plan.feasible) return out;
  for (const auto& ch : plan.chosen) {
    const int w = plan.candidates[ch.candidate].workload;
    const bool seen = std::any_of(out.begin(), out.end(), [&](const ChoiceExplanation& e) { return e.workload == w; });
    if (!seen) out.push_back(explain_one(plan, ch.candidate));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ChoiceExplanation& a, const ChoiceExplanation& b) { return a.workload < b.workload; });
  return out;
}

}  // namespace planner::search
