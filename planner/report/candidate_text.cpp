#include "report/candidate_text.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/table.h"

namespace planner::report {

namespace {

// Megawatts to a tenth (a 0.5 MW limit is not "0"), other units whole.
std::string amount(const search::OverLimit& o, double v) {
  return o.unit == "MW" ? fixed(v, 1) : grouped(std::floor(v));
}

}  // namespace

bool over_hard_limit(const search::Candidate& c) {
  return std::any_of(c.over_limits.begin(), c.over_limits.end(),
                     [](const search::OverLimit& o) { return !o.licence_beyond; });
}

std::string over_limit_text(const search::Candidate& c) {
  std::string out;
  for (const auto& o : c.over_limits) {
    if (!out.empty()) out += "; ";
    out += fmt::format("over {}: needs {} {}, limit {}; {} {} {}", o.text, amount(o, o.needed), o.unit,
                       amount(o, o.limit), grouped(static_cast<double>(o.allowed_count)),
                       o.allowed_count == 1 ? "chip" : "chips",
                       o.licence_beyond ? "without a licence" : "fit");
  }
  return out;
}

}  // namespace planner::report
