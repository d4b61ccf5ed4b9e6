#include "report/break_even_report.h"

namespace planner::report {

util::Json break_even_json(const std::vector<search::BreakEven>& points) {
  util::Json out = util::Json::array();
  for (const auto& b : points)
    out.push_back({{"workload", b.workload},
                   {"chosen", b.chosen},
                   {"runner_up", b.runner_up},
                   {"input", b.input},
                   {"unit", b.unit},
                   {"current", b.current},
                   {"value", b.value},
                   {"runner_up_cheaper", b.runner_up_wins_above ? "above" : "below"},
                   {"runner_up_margin", b.margin},
                   {"text", search::describe(b)}});
  return out;
}

std::string break_even_text(const std::vector<search::BreakEven>& points) {
  if (points.empty()) return "";
  std::string out = "\nBreak-even (the runner-up's lead changes hands; everything else as planned):\n";
  for (const auto& b : points) out += "  " + search::describe(b) + "\n";
  return out;
}

}  // namespace planner::report
