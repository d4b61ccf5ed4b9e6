#pragma once
// CSV for spreadsheets and scripts (RFC 4180): fields that hold a comma, a
// quote or a line break are quoted, quotes doubled.

#include <string>
#include <string_view>
#include <vector>

namespace planner::report {

std::string csv_field(std::string_view text);
// One line: the fields joined by commas, each quoted where needed, and "\n".
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace planner::report
