#include "report/policy_report.h"

#include <fmt/format.h>

#include "report/schema.h"
#include "report/table.h"

namespace planner::report {

using policy::Buyer;
using policy::Cap;
using policy::ChipSelector;
using policy::Citation;
using policy::CountrySelector;
using policy::Rule;
using policy::RuleSet;
using policy::Scenario;
using util::Json;

namespace {

bool reaches_buyer(const CountrySelector& buyers, const Buyer& buyer) {
  if (buyers.state_funded && *buyers.state_funded != buyer.state_funded) return false;
  return buyers.contains(buyer.country);
}

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  return fmt::format("{}", fmt::join(items, sep));
}

std::string citation_line(const Citation& c) {
  std::string out = c.source + " (" + c.date + ")";
  if (!c.url.empty()) out += " " + c.url;
  return out;
}

Json citation_json(const Citation& c) {
  Json out = {{"source", c.source}, {"date", c.date}};
  if (!c.url.empty()) out["url"] = c.url;
  if (!c.note.empty()) out["note"] = c.note;
  return out;
}

Json selector_json(const CountrySelector& s) {
  Json out = Json::object();
  if (!s.countries.empty()) out["countries"] = s.countries;
  if (!s.groups.empty()) out["groups"] = s.groups;
  if (!s.except_countries.empty()) out["except_countries"] = s.except_countries;
  if (!s.except_groups.empty()) out["except_groups"] = s.except_groups;
  if (s.state_funded) out["state_funded"] = *s.state_funded;
  return out;
}

Json selector_json(const ChipSelector& s) {
  Json out = Json::object();
  if (!s.chip_class.empty()) out["class"] = s.chip_class;
  if (!s.ids.empty()) out["ids"] = s.ids;
  auto put = [&](const char* key, const std::optional<double>& v) {
    if (v) out[key] = *v;
  };
  put("tpp_at_least", s.tpp_at_least);
  put("tpp_below", s.tpp_below);
  put("hbm_gbytes_per_s_at_least", s.hbm_gbytes_per_s_at_least);
  put("hbm_gbytes_per_s_below", s.hbm_gbytes_per_s_below);
  put("performance_density_at_least", s.performance_density_at_least);
  put("performance_density_below", s.performance_density_below);
  if (s.origin_not_site_country) out["origin_not_site_country"] = true;
  if (!s.any_of.empty()) {
    Json list = Json::array();
    for (const auto& a : s.any_of) list.push_back(selector_json(a));
    out["any_of"] = std::move(list);
  }
  return out;
}

Json rule_json(const Rule& r) {
  Json out = {{"id", r.id},
              {"text", r.text},
              {"effect", std::string(policy::to_string(r.effect))},
              {"buyers", selector_json(r.buyers)},
              {"sites", selector_json(r.sites)},
              {"chips", selector_json(r.chips)}};
  if (r.source) out["source"] = citation_json(*r.source);
  return out;
}

Json cap_json(const Cap& c) {
  Json out = {{"id", c.id},
              {"text", c.text},
              {"scope", std::string(policy::to_string(c.scope))},
              {"unit", std::string(policy::to_string(c.unit))},
              {"limit", c.limit},
              {"above", c.above == policy::Verdict::licence ? "licence" : "ban"},
              {"buyers", selector_json(c.buyers)},
              {"sites", selector_json(c.sites)},
              {"chips", selector_json(c.chips)}};
  if (!c.period.empty()) out["period"] = c.period;
  if (c.unit == policy::CapUnit::h100_equivalents) out["h100_equivalent_tpp"] = c.h100_equivalent_tpp;
  if (c.source) out["source"] = citation_json(*c.source);
  return out;
}

Json constraint_json(const policy::CapConstraint& c) {
  Json weights = Json::object();
  for (const auto& [chip, w] : c.chip_weights) weights[chip] = w;
  Json out = {{"id", c.id},
              {"text", c.text},
              {"scope", c.scope},
              {"unit", c.unit},
              {"limit", c.limit},
              {"site_countries", c.site_countries},
              {"chip_weights", weights},
              {"above_limit", std::string(policy::to_string(c.above_limit))}};
  if (!c.country.empty()) out["country"] = c.country;
  if (!c.period.empty()) out["period"] = c.period;
  return out;
}

std::string cap_limit(const Cap& c) {
  const std::string unit = c.unit == policy::CapUnit::h100_equivalents ? "H100-equivalents"
                           : c.unit == policy::CapUnit::tpp            ? "TPP"
                                                                       : "chips";
  return fmt::format("at most {} {} {}{}, beyond it {}", grouped(c.limit, 0), unit,
                     c.scope == policy::CapScope::per_country ? "per country" : "per customer",
                     c.period.empty() ? "" : " (" + c.period + ")",
                     c.above == policy::Verdict::licence ? "a licence" : "barred");
}

std::string rule_lines(const RuleSet& set, const std::optional<Buyer>& buyer) {
  std::string out;
  for (const auto& r : set.rules) {
    if (buyer && !reaches_buyer(r.buyers, *buyer)) continue;
    out += fmt::format("    {:<8}{}: {}\n", policy::to_string(r.effect), r.id, r.text);
    out += fmt::format("    {:<8}buyers: {}; sites: {}; chips: {}\n", "", describe(r.buyers, true),
                       describe(r.sites, false), describe(r.chips));
    if (r.source) out += fmt::format("    {:<8}source: {}\n", "", citation_line(*r.source));
  }
  for (const auto& c : set.caps) {
    if (buyer && !reaches_buyer(c.buyers, *buyer)) continue;
    out += fmt::format("    {:<8}{}: {}\n", "cap", c.id, c.text);
    out += fmt::format("    {:<8}{}\n", "", cap_limit(c));
    out += fmt::format("    {:<8}buyers: {}; sites: {}; chips: {}\n", "", describe(c.buyers, true),
                       describe(c.sites, false), describe(c.chips));
    if (c.source) out += fmt::format("    {:<8}source: {}\n", "", citation_line(*c.source));
  }
  return out;
}

std::string buyer_label(const Buyer& b) { return b.country + (b.state_funded ? " (state-funded)" : ""); }

std::string buyer_view_text(const BuyerView& v) {
  Table t;
  t.add_column("CHIP", Align::left);
  for (const auto& c : v.site_countries) t.add_column("IN " + c, Align::left);
  for (std::size_t i = 0; i < v.chips.size(); ++i) {
    std::vector<std::string> row = {v.chips[i]};
    for (const auto& d : v.decisions[i]) row.emplace_back(policy::to_string(d.verdict));
    t.add_row(std::move(row));
  }
  std::string out = fmt::format("\nverdicts for a buyer from {}\n", buyer_label(v.buyer)) + t.render();
  std::string reasons;
  for (std::size_t i = 0; i < v.chips.size(); ++i)
    for (std::size_t s = 0; s < v.site_countries.size(); ++s) {
      const auto& d = v.decisions[i][s];
      if (d.verdict == policy::Verdict::allowed) continue;
      std::vector<std::string> rules;
      for (const auto& r : d.reasons) rules.push_back(r.substr(0, r.find(':')));
      reasons += fmt::format("  {} in {}: {}\n", v.chips[i], v.site_countries[s], join(rules));
    }
  if (!reasons.empty()) out += "rules behind each licence and ban (listed above)\n" + reasons;
  if (!v.caps.empty()) out += "caps that reach this buyer\n";
  for (const auto& c : v.caps) {
    std::vector<std::string> weights;
    for (const auto& [chip, w] : c.chip_weights)
      weights.push_back(fmt::format("{} x{}", chip, w >= 100 ? grouped(w, 0) : fixed(w, 3)));
    out += fmt::format("  {}{}: limit {} {}; counts {}\n", c.id, c.country.empty() ? "" : " in " + c.country,
                       grouped(c.limit, 0), c.unit, join(weights));
  }
  return out;
}

}  // namespace

std::string describe(const CountrySelector& s, bool is_buyers) {
  std::vector<std::string> named = s.groups;
  named.insert(named.end(), s.countries.begin(), s.countries.end());
  std::vector<std::string> except = s.except_groups;
  except.insert(except.end(), s.except_countries.begin(), s.except_countries.end());
  std::string out = s.everyone ? (is_buyers ? "any" : "every country") : join(named);
  if (!except.empty()) out += " except " + join(except);
  if (!s.state_funded) return out;
  const std::string funding = *s.state_funded ? "state-funded" : "not state-funded";
  return s.everyone && except.empty() ? funding : funding + " from " + out;
}

std::string describe(const ChipSelector& s) {
  std::vector<std::string> parts;
  if (!s.chip_class.empty()) parts.push_back("class " + s.chip_class);
  if (!s.ids.empty()) parts.push_back(join(s.ids));
  auto num = [&](const std::optional<double>& v, std::string_view what) {
    if (v) parts.push_back(fmt::format("{} {}", what, util::format_number(*v)));
  };
  num(s.tpp_at_least, "TPP >=");
  num(s.tpp_below, "TPP <");
  num(s.hbm_gbytes_per_s_at_least, "memory GB/s >=");
  num(s.hbm_gbytes_per_s_below, "memory GB/s <");
  num(s.performance_density_at_least, "density >=");
  num(s.performance_density_below, "density <");
  if (s.origin_not_site_country) parts.push_back("made outside the site's country");
  if (!s.any_of.empty()) {
    std::vector<std::string> alternatives;
    for (const auto& a : s.any_of) alternatives.push_back(describe(a));
    parts.push_back(s.any_of.size() == 1 && parts.empty() ? alternatives.front()
                                                          : "(" + join(alternatives, " or ") + ")");
  }
  return join(parts, " and ");
}

std::string policies_table(const policy::PolicySet& set) {
  Table scenarios;
  for (const char* h : {"ID", "NAME", "DEFAULT"}) scenarios.add_column(h, Align::left);
  scenarios.add_column("RULES");
  scenarios.add_column("CAPS");
  for (const auto& s : set.scenarios)
    scenarios.add_row(
        {s.id, s.name, s.is_default ? "yes" : "-", std::to_string(s.rule_count()), std::to_string(s.cap_count())});
  Table rule_sets;
  for (const char* h : {"RULE SET", "ISSUER", "DATE"}) rule_sets.add_column(h, Align::left);
  rule_sets.add_column("RULES");
  rule_sets.add_column("CAPS");
  rule_sets.add_column("NAME", Align::left);
  for (const auto& r : set.rule_sets)
    rule_sets.add_row(
        {r.id, r.issuer, r.source.date, std::to_string(r.rules.size()), std::to_string(r.caps.size()), r.name});
  return scenarios.render() + "\n" + rule_sets.render() +
         "\nA plan uses the DEFAULT scenario unless --policy names another; `clusterplan policies show ID` gives "
         "every rule with its source.\n";
}

Json policies_list_json(const policy::PolicySet& set) {
  Json scenarios = Json::array();
  for (const auto& s : set.scenarios) {
    Json ids = Json::array();
    for (const auto& r : s.rule_sets) ids.push_back(r.id);
    scenarios.push_back({{"id", s.id},
                         {"name", s.name},
                         {"default", s.is_default},
                         {"rule_sets", ids},
                         {"rules", s.rule_count()},
                         {"caps", s.cap_count()}});
  }
  Json rule_sets = Json::array();
  for (const auto& r : set.rule_sets)
    rule_sets.push_back({{"id", r.id},
                         {"name", r.name},
                         {"issuer", r.issuer},
                         {"source", citation_json(r.source)},
                         {"rules", r.rules.size()},
                         {"caps", r.caps.size()}});
  return {{"schema_version", kSchemaVersion}, {"scenarios", scenarios}, {"rule_sets", rule_sets}};
}

std::string rule_set_details(const RuleSet& set, const std::optional<Buyer>& buyer) {
  std::string out = fmt::format("{}  {}\n  issued by {}; file {}\n  source: {}\n", set.id, set.name, set.issuer,
                                set.file, citation_line(set.source));
  for (const auto& c : set.other_sources) out += fmt::format("  also: {}\n", citation_line(c));
  if (!set.source.note.empty()) out += "  note: " + set.source.note + "\n";
  if (!set.country_groups.empty()) out += "  country groups\n";
  for (const auto& [name, codes] : set.country_groups) out += fmt::format("    {:<8}{}\n", name, join(codes));
  if (!set.chip_classes.empty()) out += "  chip classes\n";
  for (const auto& [name, text] : set.chip_classes) out += fmt::format("    {:<8}{}\n", name, text);
  const std::string lines = rule_lines(set, buyer);
  out += buyer ? fmt::format("  rules and caps that can reach a buyer from {}\n", buyer_label(*buyer))
               : std::string("  rules and caps\n");
  out += lines.empty() ? "    (none)\n" : lines;
  return out;
}

Json rule_set_json(const RuleSet& set) {
  Json groups = Json::object();
  for (const auto& [name, codes] : set.country_groups) groups[name] = codes;
  Json classes = Json::object();
  for (const auto& [name, text] : set.chip_classes) classes[name] = text;
  Json others = Json::array();
  for (const auto& c : set.other_sources) others.push_back(citation_json(c));
  Json rules = Json::array();
  for (const auto& r : set.rules) rules.push_back(rule_json(r));
  Json caps = Json::array();
  for (const auto& c : set.caps) caps.push_back(cap_json(c));
  Json out = {{"id", set.id},
              {"name", set.name},
              {"issuer", set.issuer},
              {"source", citation_json(set.source)},
              {"other_sources", others},
              {"country_groups", groups},
              {"chip_classes", classes},
              {"rules", rules},
              {"caps", caps}};
  if (set.h100_equivalent_tpp) out["h100_equivalent_tpp"] = *set.h100_equivalent_tpp;
  return out;
}

std::string scenario_details(const Scenario& scenario, const std::optional<BuyerView>& view) {
  std::string out = fmt::format("{}  {}{}\n  file {}\n  {}\n", scenario.id, scenario.name,
                                scenario.is_default ? " (default)" : "", scenario.file, scenario.description);
  if (scenario.rule_sets.empty()) out += "\nno rules: every chip is allowed for every buyer at every site\n";
  std::optional<Buyer> buyer;
  if (view) buyer = view->buyer;
  for (const auto& set : scenario.rule_sets) out += "\n" + rule_set_details(set, buyer);
  if (view) out += buyer_view_text(*view);
  return out;
}

Json scenario_json(const Scenario& scenario, const std::optional<BuyerView>& view) {
  Json sets = Json::array();
  for (const auto& s : scenario.rule_sets) sets.push_back(rule_set_json(s));
  Json out = {{"schema_version", kSchemaVersion},
              {"id", scenario.id},
              {"name", scenario.name},
              {"description", scenario.description},
              {"default", scenario.is_default},
              {"rule_sets", sets}};
  if (!view) return out;
  Json decisions = Json::array();
  for (std::size_t i = 0; i < view->chips.size(); ++i)
    for (std::size_t s = 0; s < view->site_countries.size(); ++s) {
      const auto& d = view->decisions[i][s];
      decisions.push_back({{"chip", view->chips[i]},
                           {"site_country", view->site_countries[s]},
                           {"verdict", std::string(policy::to_string(d.verdict))},
                           {"reasons", d.reasons}});
    }
  Json caps = Json::array();
  for (const auto& c : view->caps) caps.push_back(constraint_json(c));
  out["buyer"] = {{"country", view->buyer.country}, {"state_funded", view->buyer.state_funded}};
  out["decisions"] = std::move(decisions);
  out["caps"] = std::move(caps);
  return out;
}

}  // namespace planner::report
