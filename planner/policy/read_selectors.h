#pragma once
// Reading the parts of a policy_rules file that rules and caps share:
// country lists and groups, buyer/site selectors, chip selectors and chip
// classes, citations. Used by policy/loader.cpp only.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/policy.h"
#include "util/json_reader.h"

namespace planner::policy::detail {

using CountryGroups = std::vector<std::pair<std::string, std::vector<std::string>>>;
using ChipClasses = std::map<std::string, ChipSelector>;

// An array of ISO 3166-1 alpha-2 codes, at least one, none twice; sorted.
std::vector<std::string> read_country_list(util::ObjectReader& parent, std::string_view key, util::Presence presence);

// "country_groups": {"name": ["CN", ...], ...}, in file order.
CountryGroups read_country_groups(util::ObjectReader& r);

// "buyers" or "sites": {"countries", "groups", "except_countries",
// "except_groups"} and, for buyers, "state_funded". Absent: everyone.
CountrySelector read_country_selector(util::ObjectReader& parent, std::string_view key, bool is_buyers,
                                      const CountryGroups& groups);

// "chips": conditions on computed spec-sheet facts, all of which must hold.
ChipSelector read_chip_selector(util::ObjectReader& parent, std::string_view key, const ChipClasses& classes);

// "chip_classes": {"name": {"text": "...", "chips": {...}}}; the texts go to `texts`.
ChipClasses read_chip_classes(util::ObjectReader& r, std::vector<std::pair<std::string, std::string>>& texts);

// "source", "date" (required with source), "url", "note" of `r` itself.
std::optional<Citation> read_citation(util::ObjectReader& r, util::Presence presence);
// "other_sources": [{"source", "date", "url", "note"}, ...].
std::vector<Citation> read_other_sources(util::ObjectReader& r);

}  // namespace planner::policy::detail
