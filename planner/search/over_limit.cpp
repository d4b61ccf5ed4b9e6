#include "search/over_limit.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace planner::search {

namespace {

// The options' loads on `c`, each option alone at its whole-demand size.
void check(const Model& m, const FleetConstraint& c, bool licence_beyond, PlanResult& out) {
  std::size_t index = out.limits.size();  // appended at the first candidate over it
  for (const auto& [option, coefficient] : c.terms) {
    const auto o = static_cast<std::size_t>(option);
    const long long steps = m.problem.options[o].max_steps;
    const double needed = coefficient * static_cast<double>(steps);
    // A hair over from rounding is no breach (limits are given to a few digits).
    if (coefficient <= 0 || needed <= c.limit * (1 + 1e-9)) continue;
    if (index == out.limits.size())
      out.limits.push_back({c.id, c.text, c.unit, c.kind, c.limit, licence_beyond});
    auto& cand = out.candidates[m.option_candidate[o]];
    // Serving grows by whole replicas; a training cluster is one step, and the
    // limit leaves the chips it allows pro rata.
    const long long allowed =
        steps > 1 ? static_cast<long long>(std::floor(c.limit / coefficient)) * cand.step_chips
                  : static_cast<long long>(std::floor(static_cast<double>(cand.count) * c.limit / needed));
    cand.over_limits.push_back({index, needed, std::max(0LL, allowed)});
  }
}

// Keeps each candidate's kMaxOverLimits tightest breaches (fewest chips
// allowed, then the order found), and only the limits still referenced.
void keep_tightest(PlanResult& out) {
  std::vector<bool> referenced(out.limits.size(), false);
  for (auto& c : out.candidates) {
    auto& v = c.over_limits;
    if (v.size() > kMaxOverLimits) {
      std::stable_sort(v.begin(), v.end(),
                       [](const OverLimit& a, const OverLimit& b) { return a.allowed_count < b.allowed_count; });
      c.over_limits_omitted = v.size() - kMaxOverLimits;
      v.resize(kMaxOverLimits);
    }
    for (const auto& o : v) referenced[o.limit] = true;
  }
  std::vector<std::size_t> index(out.limits.size());  // old index -> new, for the referenced ones
  std::vector<CoupledLimit> kept;
  for (std::size_t i = 0; i < out.limits.size(); ++i)
    if (referenced[i]) {
      index[i] = kept.size();
      kept.push_back(std::move(out.limits[i]));
    }
  out.limits = std::move(kept);
  for (auto& c : out.candidates)
    for (auto& o : c.over_limits) o.limit = index[o.limit];
}

}  // namespace

void mark_over_limits(const Model& m, PlanResult& out) {
  std::set<std::string> rows;
  for (const auto& c : m.problem.constraints) {
    rows.insert(c.id);
    check(m, c, false, out);
  }
  // Allowances that are not rows (licences assumed granted): beyond them the
  // option needs a licence.
  for (const auto& q : m.quotas)
    if (!rows.count(q.constraint.id)) check(m, q.constraint, q.above != policy::Verdict::banned, out);
  keep_tightest(out);
}

}  // namespace planner::search
