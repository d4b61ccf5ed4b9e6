#include "policy/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace planner::policy {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::allowed:
      return "allowed";
    case Verdict::licence:
      return "licence";
    case Verdict::banned:
      return "banned";
  }
  return "?";
}

std::string_view to_string(Effect e) {
  switch (e) {
    case Effect::allow:
      return "allow";
    case Effect::licence:
      return "licence";
    case Effect::ban:
      return "ban";
  }
  return "?";
}

std::string_view to_string(CapScope s) { return s == CapScope::per_country ? "per_country" : "per_customer"; }

std::string_view to_string(CapUnit u) {
  switch (u) {
    case CapUnit::chips:
      return "chips";
    case CapUnit::tpp:
      return "tpp";
    case CapUnit::h100_equivalents:
      return "h100_equivalents";
  }
  return "?";
}

namespace {

bool sorted_contains(const std::vector<std::string>& sorted, std::string_view value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// Verdicts and effects ordered by restrictiveness.
int rank(Verdict v) { return static_cast<int>(v); }
Verdict verdict_of(Effect e) {
  switch (e) {
    case Effect::allow:
      return Verdict::allowed;
    case Effect::licence:
      return Verdict::licence;
    case Effect::ban:
      return Verdict::banned;
  }
  return Verdict::banned;
}

// A country's own rules reach chips made there; another country's export
// rules do not.
bool reaches(const RuleSet& set, const specs::Accelerator& chip, std::string_view site_country) {
  return set.issuer == site_country || chip.origin_country != site_country;
}

// A cap is an export quota: it counts the chips its issuer exports, those made
// in the issuer's country (a US quota does not count a Huawei Ascend, which
// US rules may bar but whose shipments the US does not license).
bool counts_toward(const RuleSet& set, const specs::Accelerator& chip) { return chip.origin_country == set.issuer; }

bool buyer_matches(const CountrySelector& buyers, const Buyer& buyer) {
  if (buyers.state_funded && *buyers.state_funded != buyer.state_funded) return false;
  return buyers.contains(buyer.country);
}

double cap_weight(const Cap& cap, const specs::Accelerator& chip) {
  switch (cap.unit) {
    case CapUnit::chips:
      return 1;
    case CapUnit::tpp:
      return chip.tpp();
    case CapUnit::h100_equivalents:
      return chip.tpp() / cap.h100_equivalent_tpp;
  }
  return 0;
}

}  // namespace

bool CountrySelector::contains(std::string_view country) const {
  if (!everyone && !sorted_contains(members, country)) return false;
  return !sorted_contains(excluded, country);
}

bool ChipSelector::matches(const specs::Accelerator& chip, std::string_view site_country) const {
  if (!ids.empty() && std::find(ids.begin(), ids.end(), chip.id) == ids.end()) return false;
  const double tpp = chip.tpp();
  const double hbm_gbytes_per_s = chip.hbm_tbps.value * 1000;
  if (tpp_at_least && tpp < *tpp_at_least) return false;
  if (tpp_below && tpp >= *tpp_below) return false;
  if (hbm_gbytes_per_s_at_least && hbm_gbytes_per_s < *hbm_gbytes_per_s_at_least) return false;
  if (hbm_gbytes_per_s_below && hbm_gbytes_per_s >= *hbm_gbytes_per_s_below) return false;
  if (performance_density_at_least || performance_density_below) {
    const auto pd = chip.performance_density();
    if (!pd) return false;
    if (performance_density_at_least && *pd < *performance_density_at_least) return false;
    if (performance_density_below && *pd >= *performance_density_below) return false;
  }
  if (origin_not_site_country && chip.origin_country == site_country) return false;
  for (const auto& s : all_of)
    if (!s.matches(chip, site_country)) return false;
  if (!any_of.empty() &&
      std::none_of(any_of.begin(), any_of.end(), [&](const ChipSelector& s) { return s.matches(chip, site_country); }))
    return false;
  return true;
}

std::size_t Scenario::rule_count() const {
  std::size_t n = 0;
  for (const auto& set : rule_sets) n += set.rules.size();
  return n;
}

std::size_t Scenario::cap_count() const {
  std::size_t n = 0;
  for (const auto& set : rule_sets) n += set.caps.size();
  return n;
}

std::vector<Citation> Scenario::sources() const {
  std::vector<Citation> out;
  for (const auto& set : rule_sets) out.push_back(set.source);
  return out;
}

const Scenario* PolicySet::find(std::string_view id) const {
  for (const auto& s : scenarios)
    if (s.id == id) return &s;
  return nullptr;
}

const RuleSet* PolicySet::find_rule_set(std::string_view id) const {
  for (const auto& s : rule_sets)
    if (s.id == id) return &s;
  return nullptr;
}

const Scenario* PolicySet::default_scenario() const {
  for (const auto& s : scenarios)
    if (s.is_default) return &s;
  return nullptr;
}

std::vector<std::string> PolicySet::scenario_ids() const {
  std::vector<std::string> out;
  for (const auto& s : scenarios) out.push_back(s.id);
  return out;
}

std::vector<std::string> PolicySet::rule_set_ids() const {
  std::vector<std::string> out;
  for (const auto& s : rule_sets) out.push_back(s.id);
  return out;
}

Decision decide(const Scenario& scenario, const specs::Accelerator& chip, const Buyer& buyer,
                const std::string& site_country) {
  struct Hit {
    Verdict verdict;
    std::string reason;
  };
  std::vector<Hit> hits;
  std::vector<std::string> notes;  // domestic exemptions and caps, reported only for an allowed chip
  for (const auto& set : scenario.rule_sets) {
    for (const auto& rule : set.rules) {
      if (!buyer_matches(rule.buyers, buyer) || !rule.sites.contains(site_country) ||
          !rule.chips.matches(chip, site_country))
        continue;
      if (!reaches(set, chip, site_country)) {
        notes.push_back(fmt::format("{}: does not apply: {} is made in {} and this is a {} rule", rule.id, chip.id,
                                    site_country, set.issuer));
        continue;
      }
      hits.push_back({verdict_of(rule.effect), fmt::format("{}: {}", rule.id, rule.text)});
    }
    for (const auto& cap : set.caps)
      if (buyer_matches(cap.buyers, buyer) && cap.sites.contains(site_country) &&
          cap.chips.matches(chip, site_country) && reaches(set, chip, site_country) && counts_toward(set, chip))
        notes.push_back(fmt::format("{} (cap): {}", cap.id, cap.text));
  }
  Decision d;
  for (const auto& h : hits) d.verdict = rank(h.verdict) > rank(d.verdict) ? h.verdict : d.verdict;
  for (const auto& h : hits)
    if (h.verdict == d.verdict) d.reasons.push_back(h.reason);
  if (d.verdict == Verdict::allowed) d.reasons.insert(d.reasons.end(), notes.begin(), notes.end());
  return d;
}

namespace {

// The chips of `chips` counted by `cap` at any of `countries`, with their weights.
std::vector<std::pair<std::string, double>> weigh(const RuleSet& set, const Cap& cap,
                                                  const std::vector<const specs::Accelerator*>& chips,
                                                  const std::vector<std::string>& countries) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto* chip : chips) {
    const bool counts = std::any_of(countries.begin(), countries.end(), [&](const std::string& c) {
      return cap.chips.matches(*chip, c) && reaches(set, *chip, c) && counts_toward(set, *chip);
    });
    if (counts) out.emplace_back(chip->id, cap_weight(cap, *chip));
  }
  return out;
}

CapConstraint constraint_of(const Cap& cap) {
  CapConstraint c;
  c.id = cap.id;
  c.text = cap.text;
  c.unit = std::string(to_string(cap.unit));
  c.scope = std::string(to_string(cap.scope));
  c.limit = cap.limit;
  c.above_limit = cap.above;
  c.period = cap.period;
  return c;
}

}  // namespace

std::vector<CapConstraint> caps(const Scenario& scenario, const Buyer& buyer,
                                const std::vector<const specs::Accelerator*>& chips,
                                const std::vector<std::string>& site_countries) {
  const std::set<std::string> distinct(site_countries.begin(), site_countries.end());
  std::vector<CapConstraint> out;
  for (const auto& set : scenario.rule_sets) {
    for (const auto& cap : set.caps) {
      if (!buyer_matches(cap.buyers, buyer)) continue;
      std::vector<std::string> counted;
      for (const auto& country : distinct)
        if (cap.sites.contains(country)) counted.push_back(country);
      if (cap.scope == CapScope::per_customer) {
        auto c = constraint_of(cap);
        c.chip_weights = weigh(set, cap, chips, counted);
        c.site_countries = counted;
        if (!c.chip_weights.empty()) out.push_back(std::move(c));
        continue;
      }
      for (const auto& country : counted) {
        auto c = constraint_of(cap);
        c.country = country;
        c.site_countries = {country};
        c.chip_weights = weigh(set, cap, chips, c.site_countries);
        if (!c.chip_weights.empty()) out.push_back(std::move(c));
      }
    }
  }
  return out;
}

}  // namespace planner::policy
