#pragma once
// Export-control policy: rules written the way regulations are written
// (thresholds on TPP and memory bandwidth computed from the spec sheets,
// country lists), grouped into rule sets (one per regulation document) and
// combined into named scenarios. decide() says whether a buyer may put a chip
// in a site's country; caps() turns a scenario's quotas into linear
// constraints for the fleet optimizer. Pure functions of plain structs; the
// loader is in policy/loader.h, the data in hw_specs/policies/.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "specs/accelerator.h"

namespace planner::policy {

// Who buys: the country of the buyer's headquarters (ISO 3166-1 alpha-2) and
// whether the project receives state funds (China's domestic-chip rule).
struct Buyer {
  std::string country;
  bool state_funded = false;
};

// licence: allowed case by case; a plan may use the chip but must flag it.
enum class Verdict { allowed, licence, banned };

std::string_view to_string(Verdict v);

struct Decision {
  Verdict verdict = Verdict::allowed;
  // "rule-set/rule: text", for the rules that set the verdict; for an allowed
  // chip also the caps that count it and the rules a domestic chip escapes.
  std::vector<std::string> reasons;
};

// What a rule does to the chips it selects.
enum class Effect { allow, licence, ban };

std::string_view to_string(Effect e);

// Where a document was read, as in hw_specs/SCHEMA.md.
struct Citation {
  std::string source;
  std::string date;  // YYYY, YYYY-MM or YYYY-MM-DD
  std::string url;
  std::string note;
};

// A set of countries: `countries` plus the members of `groups`, or every
// country when both are empty; minus `except_countries` and the members of
// `except_groups`. The names are kept for display; `members` and `excluded`
// are resolved by the loader.
struct CountrySelector {
  std::vector<std::string> countries;
  std::vector<std::string> groups;
  std::vector<std::string> except_countries;
  std::vector<std::string> except_groups;
  bool everyone = true;               // no countries or groups named
  std::vector<std::string> members;   // resolved, sorted; empty when `everyone`
  std::vector<std::string> excluded;  // resolved, sorted
  std::optional<bool> state_funded;   // buyers only: match on this flag when set

  bool contains(std::string_view country) const;
};

// Chips selected by computed spec-sheet facts. Every condition that is set
// must hold; `any_of` holds when one of its selectors does. A condition on
// performance density fails for a chip whose die area is unknown.
struct ChipSelector {
  std::string chip_class;              // name of the class inlined into `all_of`, for display
  std::vector<std::string> ids;        // accelerator ids, where a regulation names chips
  std::optional<double> tpp_at_least;  // TPP as BIS ECCN 3A090 defines it
  std::optional<double> tpp_below;
  std::optional<double> hbm_gbytes_per_s_at_least;  // memory bandwidth, GB/s = hbm_tbps x 1000
  std::optional<double> hbm_gbytes_per_s_below;
  std::optional<double> performance_density_at_least;  // TPP per mm^2 of die
  std::optional<double> performance_density_below;
  bool origin_not_site_country = false;  // imported chips only
  std::vector<ChipSelector> any_of;
  std::vector<ChipSelector> all_of;
  std::string json_path;  // where it was read, for later checks of `ids`

  bool matches(const specs::Accelerator& chip, std::string_view site_country) const;
};

struct Rule {
  std::string id;    // "rule-set-id/rule-id"
  std::string text;  // what the regulation says, one sentence
  Effect effect = Effect::ban;
  CountrySelector buyers;  // the buyer's home country (and state funding)
  CountrySelector sites;   // the country the chip is deployed in
  ChipSelector chips;
  std::optional<Citation> source;  // when the rule rests on a document other than its set's
};

enum class CapScope { per_customer, per_country };
enum class CapUnit { chips, tpp, h100_equivalents };

std::string_view to_string(CapScope s);
std::string_view to_string(CapUnit u);

struct Cap {
  std::string id;  // "rule-set-id/cap-id"
  std::string text;
  CapScope scope = CapScope::per_customer;
  CapUnit unit = CapUnit::chips;
  double limit = 0;                 // in `unit`
  Verdict above = Verdict::banned;  // what a plan beyond the limit needs
  std::string period;               // "2025-2027", "per year"; empty when none is stated
  double h100_equivalent_tpp = 0;   // TPP of one H100-equivalent, for CapUnit::h100_equivalents
  CountrySelector buyers;
  CountrySelector sites;
  ChipSelector chips;
  std::optional<Citation> source;
};

// One regulation document: its rules and caps, the country groups and chip
// classes they are written with, and its source.
struct RuleSet {
  std::string id;
  std::string name;
  std::string issuer;  // ISO code of the country whose rule this is
  std::string file;
  Citation source;  // its note is the file's "note"
  std::vector<Citation> other_sources;
  std::optional<double> h100_equivalent_tpp;
  std::vector<std::pair<std::string, std::vector<std::string>>> country_groups;  // name -> sorted codes
  std::vector<std::pair<std::string, std::string>> chip_classes;                 // name -> text
  std::vector<Rule> rules;
  std::vector<Cap> caps;
};

// A named combination of rule sets, chosen with --policy.
struct Scenario {
  std::string id;
  std::string name;
  std::string description;
  std::string file;
  bool is_default = false;
  std::vector<RuleSet> rule_sets;  // in the order the scenario lists them

  std::size_t rule_count() const;
  std::size_t cap_count() const;
  std::vector<Citation> sources() const;  // each rule set's source, in order
};

// Every loaded rule set and scenario, each sorted by id.
struct PolicySet {
  std::vector<RuleSet> rule_sets;
  std::vector<Scenario> scenarios;

  const Scenario* find(std::string_view id) const;
  const RuleSet* find_rule_set(std::string_view id) const;
  // The scenario marked default (the rules in force at the data's date), or
  // nullptr when no scenario is loaded.
  const Scenario* default_scenario() const;
  std::vector<std::string> scenario_ids() const;
  std::vector<std::string> rule_set_ids() const;
};

// The verdict for `chip` bought by `buyer` and deployed in `site_country`:
// the most restrictive effect of the scenario's rules that select all three
// (ban > licence > allowed). A rule does not reach a domestic chip (origin
// country == site country) unless the rule's issuer is that country.
Decision decide(const Scenario& scenario, const specs::Accelerator& chip, const Buyer& buyer,
                const std::string& site_country);

// One linear constraint: sum over `site_countries` and chips of
// weight x chips deployed <= limit.
struct CapConstraint {
  std::string id, text;
  std::string unit;   // "chips", "tpp" or "h100_equivalents"
  std::string scope;  // "per_customer" or "per_country"
  double limit = 0;
  // per_country caps give one constraint per site country; per_customer caps one in all.
  std::string country;                      // empty for per-customer
  std::vector<std::string> site_countries;  // chips at sites in these countries count
  // accelerator id -> weight per chip (1 for chips, TPP for tpp, TPP / h100_equivalent_tpp for h100_equivalents)
  std::vector<std::pair<std::string, double>> chip_weights;
  Verdict above_limit = Verdict::banned;  // banned: a hard limit; licence: beyond it the plan needs a licence
  std::string period;
};

// The scenario's caps that reach `buyer` at any of `site_countries`, with a
// weight for each of `chips` that counts toward them. Caps that no chip
// counts toward are left out.
std::vector<CapConstraint> caps(const Scenario& scenario, const Buyer& buyer,
                                const std::vector<const specs::Accelerator*>& chips,
                                const std::vector<std::string>& site_countries);

}  // namespace planner::policy
