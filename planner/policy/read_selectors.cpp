#include "policy/read_selectors.h"

#include <fmt/format.h>

#include <algorithm>

#include "specs/loader.h"
#include "specs/sourced.h"
#include "util/countries.h"
#include "util/spellcheck.h"

namespace planner::policy::detail {

using util::Json;
using util::ObjectReader;
using util::Presence;
using util::Range;

namespace {

// Thresholds as regulations state them; generous bounds that still catch a
// unit slip (TB/s written where GB/s is meant is caught by the rule's effect,
// not here).
const Range kTpp{0, 1e9, true};
const Range kGbytesPerS{0, 1e6, true};
const Range kPerformanceDensity{0, 1e4, true};
constexpr int kMaxNesting = 4;

std::string country_problem(const std::string& code) {
  return fmt::format("expected an ISO 3166-1 alpha-2 country code such as \"US\" or \"CN\", got \"{}\"{}", code,
                     util::country_code_hint(code));
}

std::vector<std::string> group_names(const CountryGroups& groups) {
  std::vector<std::string> out;
  for (const auto& [name, _] : groups) out.push_back(name);
  return out;
}

// An array of known group names.
std::vector<std::string> read_group_names(ObjectReader& r, std::string_view key, const CountryGroups& groups) {
  std::vector<std::string> out;
  const Json* list = r.array(key, Presence::optional);
  if (!list) return out;
  if (list->empty()) r.error_at(key, "expected at least one group name");
  const auto names = group_names(groups);
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = util::json_pointer_append(r.path_of(key), i);
    const Json& item = (*list)[i];
    if (!item.is_string()) {
      r.diagnostics().error(r.file(), path, "expected a group name, got " + util::describe_json(item));
      continue;
    }
    const auto name = item.get<std::string>();
    if (std::find(names.begin(), names.end(), name) == names.end())
      r.diagnostics().error(r.file(), path,
                            names.empty()
                                ? fmt::format("unknown country group \"{}\": this file defines no country_groups", name)
                                : fmt::format("unknown country group \"{}\"{}", name, util::did_you_mean(name, names)));
    else
      out.push_back(name);
  }
  return out;
}

std::vector<std::string> members_of(const std::vector<std::string>& countries,
                                    const std::vector<std::string>& group_list, const CountryGroups& groups) {
  std::vector<std::string> out = countries;
  for (const auto& name : group_list)
    for (const auto& [group, codes] : groups)
      if (group == name) out.insert(out.end(), codes.begin(), codes.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> read_ids(ObjectReader& r, std::string_view key) {
  std::vector<std::string> out;
  const Json* list = r.array(key, Presence::optional);
  if (!list) return out;
  if (list->empty()) r.error_at(key, "expected at least one accelerator id");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (item.is_string() && specs::is_valid_id(item.get<std::string>())) {
      out.push_back(item.get<std::string>());
      continue;
    }
    r.diagnostics().error(r.file(), util::json_pointer_append(r.path_of(key), i),
                          "expected an accelerator id, got " + util::describe_json(item));
  }
  return out;
}

ChipSelector read_chip_object(ObjectReader& r, const ChipClasses& classes, int depth);

// The classes a chip class's own selector sees: none, and a reference to one
// is refused with its own message (classes do not build on classes).
const ChipClasses& classes_inside_a_class() {
  static const ChipClasses none;
  return none;
}

void read_any_of(ObjectReader& r, const ChipClasses& classes, int depth, ChipSelector& sel) {
  const Json* list = r.array("any_of", Presence::optional);
  if (!list) return;
  if (list->empty()) r.error_at("any_of", "expected at least one chip selector");
  if (depth >= kMaxNesting) {
    r.error_at("any_of", fmt::format("chip selectors nest at most {} deep", kMaxNesting));
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader child((*list)[i], util::json_pointer_append(r.path_of("any_of"), i), r.file(), r.diagnostics());
    if (child.valid()) sel.any_of.push_back(read_chip_object(child, classes, depth + 1));
  }
}

void read_class(ObjectReader& r, const ChipClasses& classes, ChipSelector& sel) {
  const auto name = r.string("class", Presence::optional);
  if (!name) return;
  const auto it = classes.find(*name);
  if (&classes == &classes_inside_a_class()) {
    r.error_at("class", fmt::format("a chip class cannot refer to another class (\"{0}\"); write its conditions out "
                                    "here, or name \"{0}\" in the rule itself with the extra conditions beside it",
                                    *name));
    return;
  }
  if (it == classes.end()) {
    std::vector<std::string> names;
    for (const auto& [n, _] : classes) names.push_back(n);
    r.error_at("class", names.empty()
                            ? fmt::format("unknown chip class \"{}\": this file defines no chip_classes", *name)
                            : fmt::format("unknown chip class \"{}\"{}", *name, util::did_you_mean(*name, names)));
    return;
  }
  sel.chip_class = *name;
  sel.all_of.push_back(it->second);
}

ChipSelector read_chip_object(ObjectReader& r, const ChipClasses& classes, int depth) {
  ChipSelector sel;
  sel.json_path = r.path();
  read_class(r, classes, sel);
  sel.ids = read_ids(r, "ids");
  sel.tpp_at_least = r.number("tpp_at_least", Presence::optional, kTpp);
  sel.tpp_below = r.number("tpp_below", Presence::optional, kTpp);
  sel.hbm_gbytes_per_s_at_least = r.number("hbm_gbytes_per_s_at_least", Presence::optional, kGbytesPerS);
  sel.hbm_gbytes_per_s_below = r.number("hbm_gbytes_per_s_below", Presence::optional, kGbytesPerS);
  sel.performance_density_at_least = r.number("performance_density_at_least", Presence::optional, kPerformanceDensity);
  sel.performance_density_below = r.number("performance_density_below", Presence::optional, kPerformanceDensity);
  sel.origin_not_site_country = r.boolean("origin_not_site_country", Presence::optional).value_or(false);
  read_any_of(r, classes, depth, sel);
  static const char* const kConditions[] = {"class",
                                            "ids",
                                            "tpp_at_least",
                                            "tpp_below",
                                            "hbm_gbytes_per_s_at_least",
                                            "hbm_gbytes_per_s_below",
                                            "performance_density_at_least",
                                            "performance_density_below",
                                            "origin_not_site_country",
                                            "any_of"};
  if (r.valid() &&
      std::none_of(std::begin(kConditions), std::end(kConditions), [&](const char* k) { return r.has(k); }))
    r.diagnostics().error(r.file(), r.path(),
                          "expected at least one condition: class, ids, tpp_at_least, tpp_below, "
                          "hbm_gbytes_per_s_at_least, hbm_gbytes_per_s_below, performance_density_at_least, "
                          "performance_density_below, origin_not_site_country or any_of");
  r.finish();
  return sel;
}

}  // namespace

std::vector<std::string> read_country_list(ObjectReader& parent, std::string_view key, Presence presence) {
  std::vector<std::string> out;
  const Json* list = parent.array(key, presence);
  if (!list) return out;
  if (list->empty()) parent.error_at(key, "expected at least one country code");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto path = util::json_pointer_append(parent.path_of(key), i);
    const Json& item = (*list)[i];
    if (!item.is_string()) {
      parent.diagnostics().error(parent.file(), path, "expected a country code, got " + util::describe_json(item));
      continue;
    }
    const auto code = item.get<std::string>();
    if (!util::is_country_code(code))
      parent.diagnostics().error(parent.file(), path, country_problem(code));
    else if (std::find(out.begin(), out.end(), code) != out.end())
      parent.diagnostics().error(parent.file(), path, fmt::format("\"{}\" is listed twice", code));
    else
      out.push_back(code);
  }
  std::sort(out.begin(), out.end());
  return out;
}

CountryGroups read_country_groups(ObjectReader& r) {
  CountryGroups out;
  auto groups = r.object("country_groups", Presence::optional);
  if (!groups) return out;
  const Json* node = r.member("country_groups", Presence::optional);
  for (const auto& [name, _] : node->items()) {
    if (!specs::is_valid_id(name)) {
      groups->error_at(name, "expected a group name of lower-case letters, digits, '-', '.' or '_'");
      groups->member(name, Presence::optional);
      continue;
    }
    out.emplace_back(name, read_country_list(*groups, name, Presence::required));
  }
  groups->finish();
  return out;
}

CountrySelector read_country_selector(ObjectReader& parent, std::string_view key, bool is_buyers,
                                      const CountryGroups& groups) {
  CountrySelector sel;
  auto r = parent.object(key, Presence::optional);
  if (!r) return sel;
  sel.countries = read_country_list(*r, "countries", Presence::optional);
  sel.groups = read_group_names(*r, "groups", groups);
  sel.except_countries = read_country_list(*r, "except_countries", Presence::optional);
  sel.except_groups = read_group_names(*r, "except_groups", groups);
  if (is_buyers) sel.state_funded = r->boolean("state_funded", Presence::optional);
  const bool any = r->has("countries") || r->has("groups") || r->has("except_countries") || r->has("except_groups") ||
                   (is_buyers && r->has("state_funded"));
  if (!any)
    parent.error_at(key, is_buyers ? "expected at least one of countries, groups, except_countries, except_groups or "
                                     "state_funded; leave the key out to mean every buyer"
                                   : "expected at least one of countries, groups, except_countries or except_groups; "
                                     "leave the key out to mean every country");
  r->finish();
  sel.everyone = !r->has("countries") && !r->has("groups");
  sel.members = sel.everyone ? std::vector<std::string>{} : members_of(sel.countries, sel.groups, groups);
  sel.excluded = members_of(sel.except_countries, sel.except_groups, groups);
  return sel;
}

ChipSelector read_chip_selector(ObjectReader& parent, std::string_view key, const ChipClasses& classes) {
  auto r = parent.object(key, Presence::required);
  if (!r) return {};
  return read_chip_object(*r, classes, 0);
}

ChipClasses read_chip_classes(ObjectReader& r, std::vector<std::pair<std::string, std::string>>& texts) {
  ChipClasses out;
  auto classes = r.object("chip_classes", Presence::optional);
  if (!classes) return out;
  const Json* node = r.member("chip_classes", Presence::optional);
  for (const auto& [name, _] : node->items()) {
    auto c = classes->object(name, Presence::required);
    if (!c) continue;
    if (!specs::is_valid_id(name))
      classes->error_at(name, "expected a class name of lower-case letters, digits, '-', '.' or '_'");
    const auto text = c->string("text", Presence::required);
    auto selector = read_chip_selector(*c, "chips", classes_inside_a_class());
    c->finish();
    texts.emplace_back(name, text.value_or(""));
    out.emplace(name, std::move(selector));
  }
  classes->finish();
  return out;
}

std::optional<Citation> read_citation(ObjectReader& r, Presence presence) {
  const auto source = r.string("source", presence);
  Citation c;
  const auto date = r.string("date", r.has("source") ? Presence::required : Presence::optional);
  if (date && !specs::is_date(*date))
    r.error_at("date", "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"" + *date + "\"");
  if (date && !r.has("source")) r.error_at("date", "a date without a \"source\"; name the document it dates");
  c.url = r.string("url", Presence::optional).value_or("");
  c.note = r.string("note", Presence::optional).value_or("");
  if (!source) return std::nullopt;
  c.source = *source;
  c.date = date.value_or("");
  return c;
}

std::vector<Citation> read_other_sources(ObjectReader& r) {
  std::vector<Citation> out;
  const Json* list = r.array("other_sources", Presence::optional);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader s((*list)[i], util::json_pointer_append(r.path_of("other_sources"), i), r.file(), r.diagnostics());
    if (!s.valid()) continue;
    if (auto c = read_citation(s, Presence::required)) out.push_back(std::move(*c));
    s.finish();
  }
  return out;
}

}  // namespace planner::policy::detail
