#pragma once
// Renders break-even points under a plan or comparison: a short list for
// people, `break_even[]` for scripts.

#include <string>
#include <vector>

#include "search/break_even.h"
#include "util/json_reader.h"

namespace planner::report {

util::Json break_even_json(const std::vector<search::BreakEven>& points);
// "Break-even:\n  <sentence>\n..." or "" when there is none.
std::string break_even_text(const std::vector<search::BreakEven>& points);

}  // namespace planner::report
