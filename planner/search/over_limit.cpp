#include "search/over_limit.h"

#include <cmath>
#include <set>

namespace planner::search {

std::string_view to_string(LimitKind kind) {
  switch (kind) {
    case LimitKind::policy_cap: return "policy_cap";
    case LimitKind::site_power: return "site_power";
    case LimitKind::budget: return "budget";
    case LimitKind::max_mw: return "max_mw";
  }
  return "policy_cap";
}

namespace {

// The option's load on `c` with the option alone at its whole-demand size.
void check(const Model& m, const FleetConstraint& c, bool licence_beyond, std::vector<Candidate>& candidates) {
  for (const auto& [option, coefficient] : c.terms) {
    const auto o = static_cast<std::size_t>(option);
    const long long steps = m.problem.options[o].max_steps;
    const double needed = coefficient * static_cast<double>(steps);
    // A hair over from rounding is no breach (limits are given to a few digits).
    if (coefficient <= 0 || needed <= c.limit * (1 + 1e-9)) continue;
    auto& cand = candidates[m.option_candidate[o]];
    // Serving grows by whole replicas; a training cluster is one step, and the
    // limit leaves the chips it allows pro rata.
    const long long allowed =
        steps > 1 ? static_cast<long long>(std::floor(c.limit / coefficient)) * cand.step_chips
                  : static_cast<long long>(std::floor(static_cast<double>(cand.count) * c.limit / needed));
    cand.over_limits.push_back({c.id, c.text, c.unit, std::string(to_string(c.kind)), c.limit, needed,
                                std::max(0LL, allowed), licence_beyond});
  }
}

}  // namespace

void mark_over_limits(const Model& m, std::vector<Candidate>& candidates) {
  std::set<std::string> rows;
  for (const auto& c : m.problem.constraints) {
    rows.insert(c.id);
    check(m, c, false, candidates);
  }
  // Allowances that are not rows (licences assumed granted): beyond them the
  // option needs a licence.
  for (const auto& q : m.quotas)
    if (!rows.count(q.constraint.id)) check(m, q.constraint, q.above != policy::Verdict::banned, candidates);
}

}  // namespace planner::search
