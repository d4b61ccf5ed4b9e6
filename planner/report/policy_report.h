#pragma once
// Renders export-control scenarios and rule sets for people (tables, each
// rule with its text and source) and for scripts (JSON whose keys follow the
// "Policies" section of hw_specs/SCHEMA.md), and the verdicts one buyer gets.

#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "util/json_reader.h"

namespace planner::report {

// `policies list`: the scenarios, then the rule sets they combine.
std::string policies_table(const policy::PolicySet& set);
util::Json policies_list_json(const policy::PolicySet& set);

// What one buyer gets: a verdict for each chip at each site country, and the
// caps that reach the buyer. Computed by the caller with policy::decide and
// policy::caps.
struct BuyerView {
  policy::Buyer buyer;
  std::vector<std::string> site_countries;
  std::vector<std::string> chips;                        // accelerator ids, rows
  std::vector<std::vector<policy::Decision>> decisions;  // [chip][site country]
  std::vector<policy::CapConstraint> caps;
};

// `policies show ID`: a scenario with every rule, cap and source. With a
// buyer view, only the rules and caps that can reach that buyer are listed,
// followed by the verdicts.
std::string scenario_details(const policy::Scenario& scenario, const std::optional<BuyerView>& view);
util::Json scenario_json(const policy::Scenario& scenario, const std::optional<BuyerView>& view);
std::string rule_set_details(const policy::RuleSet& set, const std::optional<policy::Buyer>& buyer);
util::Json rule_set_json(const policy::RuleSet& set);

// "every country except tier1, tier3", "state-funded buyers in CN".
std::string describe(const policy::CountrySelector& selector, bool is_buyers);
// "class 3a090a and (TPP >= 21000 or memory >= 6500 GB/s)".
std::string describe(const policy::ChipSelector& selector);

}  // namespace planner::report
