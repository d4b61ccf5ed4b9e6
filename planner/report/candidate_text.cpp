#include "report/candidate_text.h"

#include <algorithm>

#include <fmt/format.h>

#include "report/table.h"
#include "search/plan_model.h"

namespace planner::report {

bool over_hard_limit(const search::PlanResult& plan, const search::Candidate& c) {
  return std::any_of(c.over_limits.begin(), c.over_limits.end(),
                     [&](const search::OverLimit& o) { return !plan.limits[o.limit].licence_beyond; });
}

std::string over_limit_text(const search::PlanResult& plan, const search::Candidate& c) {
  std::string out;
  for (std::size_t i = 0; i < c.over_limits.size() && i < kMaxLimitsShown; ++i) {
    const auto& o = c.over_limits[i];
    const auto& l = plan.limits[o.limit];
    if (!out.empty()) out += "; ";
    out += fmt::format("over {}: needs {} {}, limit {} {}; {} {} {}", l.text, search::limit_amount(l.kind, o.needed), l.unit,
                       search::limit_amount(l.kind, l.limit), l.unit, grouped(static_cast<double>(o.allowed_count)),
                       o.allowed_count == 1 ? "chip" : "chips", l.licence_beyond ? "without a licence" : "fit");
  }
  const std::size_t more = c.over_limits_omitted + c.over_limits.size() - std::min(c.over_limits.size(), kMaxLimitsShown);
  if (more > 0) out += fmt::format("; and {} more {}", grouped(static_cast<double>(more)), more == 1 ? "limit" : "limits");
  return out;
}

}  // namespace planner::report
