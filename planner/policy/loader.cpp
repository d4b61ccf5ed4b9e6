#include "policy/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "policy/read_selectors.h"
#include "specs/loader.h"
#include "util/countries.h"
#include "util/spellcheck.h"

namespace planner::policy {

using util::Json;
using util::ObjectReader;
using util::Presence;

namespace {

const util::Range kLimit{0, 1e15, true};
const util::Range kH100EquivalentTpp{0, 1e7, true};

std::string read_id(ObjectReader& r) {
  auto id = r.string("id", Presence::required);
  if (id && !specs::is_valid_id(*id)) {
    r.error_at("id", "expected an id of lower-case letters, digits, '-', '.' or '_' (at most 64), got \"" + *id + "\"");
    return {};
  }
  return id.value_or("");
}

void expect_kind(ObjectReader& r, std::string_view kind) {
  const auto actual = r.string("kind", Presence::required);
  if (actual && *actual != kind) r.error_at("kind", fmt::format("expected \"{}\", got \"{}\"", kind, *actual));
}

// Rule and cap ids are unique within their file.
void check_unique(ObjectReader& r, std::set<std::string>& seen, const std::string& id) {
  if (!id.empty() && !seen.insert(id).second)
    r.error_at("id", fmt::format("duplicate id \"{}\" in this file; rules and caps need distinct ids", id));
}

struct FileParts {
  detail::CountryGroups groups;
  detail::ChipClasses classes;
  std::set<std::string> ids;
};

Rule read_rule(ObjectReader& r, const RuleSet& set, FileParts& parts) {
  Rule rule;
  const auto id = read_id(r);
  check_unique(r, parts.ids, id);
  rule.id = set.id + "/" + id;
  rule.text = r.string("text", Presence::required).value_or("");
  const auto effect = r.choice("effect", Presence::required, {"ban", "licence", "allow"});
  rule.effect = effect == "allow" ? Effect::allow : effect == "licence" ? Effect::licence : Effect::ban;
  rule.buyers = detail::read_country_selector(r, "buyers", true, parts.groups);
  rule.sites = detail::read_country_selector(r, "sites", false, parts.groups);
  rule.chips = detail::read_chip_selector(r, "chips", parts.classes);
  rule.source = detail::read_citation(r, Presence::optional);
  r.finish();
  return rule;
}

Cap read_cap(ObjectReader& r, const RuleSet& set, FileParts& parts) {
  Cap cap;
  const auto id = read_id(r);
  check_unique(r, parts.ids, id);
  cap.id = set.id + "/" + id;
  cap.text = r.string("text", Presence::required).value_or("");
  cap.scope = r.choice("scope", Presence::required, {"per_customer", "per_country"}) == "per_country"
                  ? CapScope::per_country
                  : CapScope::per_customer;
  const auto unit = r.choice("unit", Presence::required, {"chips", "tpp", "h100_equivalents"});
  cap.unit = unit == "tpp" ? CapUnit::tpp : unit == "h100_equivalents" ? CapUnit::h100_equivalents : CapUnit::chips;
  if (cap.unit == CapUnit::h100_equivalents) {
    if (set.h100_equivalent_tpp)
      cap.h100_equivalent_tpp = *set.h100_equivalent_tpp;
    else
      r.error_at("unit", "counting h100_equivalents needs \"h100_equivalent_tpp\" at the top of the file");
  }
  cap.limit = r.number("limit", Presence::required, kLimit).value_or(0);
  cap.above =
      r.choice("above", Presence::required, {"ban", "licence"}) == "licence" ? Verdict::licence : Verdict::banned;
  cap.period = r.string("period", Presence::optional).value_or("");
  cap.buyers = detail::read_country_selector(r, "buyers", true, parts.groups);
  cap.sites = detail::read_country_selector(r, "sites", false, parts.groups);
  cap.chips = detail::read_chip_selector(r, "chips", parts.classes);
  cap.source = detail::read_citation(r, Presence::optional);
  r.finish();
  return cap;
}

template <typename T, typename Read>
std::vector<T> read_list(ObjectReader& r, std::string_view key, const RuleSet& set, FileParts& parts, Read read) {
  std::vector<T> out;
  const Json* list = r.array(key, Presence::optional);
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    ObjectReader item((*list)[i], util::json_pointer_append(r.path_of(key), i), r.file(), r.diagnostics());
    if (item.valid()) out.push_back(read(item, set, parts));
  }
  return out;
}

}  // namespace

bool is_policy_kind(std::string_view kind) { return kind == kKindPolicyRules || kind == kKindPolicyScenario; }

std::optional<RuleSet> read_rule_set(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  RuleSet set;
  set.file = file;
  expect_kind(r, kKindPolicyRules);
  set.id = read_id(r);
  set.name = r.string("name", Presence::required).value_or("");
  const auto issuer = r.string("issuer", Presence::required);
  if (issuer && !util::is_country_code(*issuer))
    r.error_at("issuer",
               "expected the ISO 3166-1 alpha-2 code of the country whose rule this is, got \"" + *issuer + "\"");
  set.issuer = issuer.value_or("");
  if (auto source = detail::read_citation(r, Presence::required)) set.source = std::move(*source);
  set.other_sources = detail::read_other_sources(r);
  set.h100_equivalent_tpp = r.number("h100_equivalent_tpp", Presence::optional, kH100EquivalentTpp);
  FileParts parts;
  parts.groups = detail::read_country_groups(r);
  for (const auto& [name, codes] : parts.groups) set.country_groups.emplace_back(name, codes);
  parts.classes = detail::read_chip_classes(r, set.chip_classes);
  set.rules = read_list<Rule>(r, "rules", set, parts, read_rule);
  set.caps = read_list<Cap>(r, "caps", set, parts, read_cap);
  if (r.valid() && set.rules.empty() && set.caps.empty() && !r.has("rules") && !r.has("caps"))
    diagnostics.error(file, "/rules", "required key is missing; a policy_rules file needs \"rules\" or \"caps\"");
  else if (r.valid() && set.rules.empty() && set.caps.empty())
    diagnostics.error(file, r.has("rules") ? "/rules" : "/caps", "expected at least one rule or cap");
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return set;
}

std::optional<ScenarioFile> read_scenario(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  ScenarioFile s;
  s.file = file;
  expect_kind(r, kKindPolicyScenario);
  s.id = read_id(r);
  s.name = r.string("name", Presence::required).value_or("");
  s.description = r.string("description", Presence::required).value_or("");
  s.is_default = r.boolean("default", Presence::optional).value_or(false);
  const Json* list = r.array("rules", Presence::required);
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    const auto path = util::json_pointer_append("/rules", i);
    const Json& item = (*list)[i];
    if (!item.is_string()) {
      diagnostics.error(file, path, "expected the id of a policy_rules file, got " + util::describe_json(item));
      continue;
    }
    const auto id = item.get<std::string>();
    if (std::find(s.rule_set_ids.begin(), s.rule_set_ids.end(), id) != s.rule_set_ids.end())
      diagnostics.error(file, path, fmt::format("\"{}\" is listed twice", id));
    else
      s.rule_set_ids.push_back(id);
  }
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return s;
}

void load_policy_file(const util::FileSystem& fs, const std::string& path, PolicyFiles& files,
                      util::Diagnostics& diagnostics) {
  if (const auto doc = util::read_json_file(fs, path, diagnostics)) add_policy_document(*doc, path, files, diagnostics);
}

void add_policy_document(const util::Json& parsed, const std::string& path, PolicyFiles& files,
                         util::Diagnostics& diagnostics) {
  const util::Json* doc = &parsed;
  const auto kind = specs::read_kind(*doc, path, diagnostics);
  if (!kind) return;
  std::optional<std::string> broken;
  if (const auto it = doc->find("id"); it != doc->end() && it->is_string()) broken = it->get<std::string>();
  if (*kind == kKindPolicyRules) {
    if (auto set = read_rule_set(*doc, path, diagnostics)) files.rule_sets.push_back(std::move(*set)), broken.reset();
  } else if (*kind == kKindPolicyScenario) {
    if (auto s = read_scenario(*doc, path, diagnostics)) files.scenarios.push_back(std::move(*s)), broken.reset();
  } else {
    const std::vector<std::string> kinds = {std::string(kKindPolicyRules), std::string(kKindPolicyScenario)};
    diagnostics.error(
        path, "/kind",
        fmt::format("expected \"policy_rules\" or \"policy_scenario\" for a file in this folder, got \"{}\"{}", *kind,
                    util::did_you_mean(*kind, kinds)));
  }
  if (broken) files.broken_ids.push_back(*broken);
}

}  // namespace planner::policy
