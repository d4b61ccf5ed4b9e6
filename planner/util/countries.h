#pragma once
// ISO 3166-1 alpha-2 country codes, for checking the countries named in
// sites, accelerators and policies.

#include <string_view>
#include <vector>
#include <string>

namespace planner::util {

bool is_country_code(std::string_view code);
// For a code that is not one, " (did you mean \"CN\"?)" when its upper case
// is one ("cn"), else "".
std::string country_code_hint(std::string_view code);
const std::vector<std::string>& country_codes();

}  // namespace planner::util
