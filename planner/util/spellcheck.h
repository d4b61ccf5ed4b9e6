#pragma once
// "Did you mean" hints for unknown keys and ids, after ninja's SpellcheckString.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace planner::util {

// Levenshtein distance, insertions, deletions and substitutions costing 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The shortest candidate that starts with `word`; else the candidate closest
// to `word`, if within a distance of max(2, word.size() / 3), ties going to
// the earliest candidate.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// " (did you mean \"x\"?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace planner::util
