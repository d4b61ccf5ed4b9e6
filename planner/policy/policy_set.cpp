// Checking policy files against each other and loading them from data paths.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "policy/loader.h"
#include "specs/loader.h"
#include "util/spellcheck.h"

namespace planner::policy {

namespace {

std::string join_path(const std::string& dir, std::string_view sub) {
  return dir.ends_with('/') ? dir + std::string(sub) : dir + "/" + std::string(sub);
}

void check_unique_ids(const PolicyFiles& files, util::Diagnostics& diagnostics) {
  std::map<std::string, std::string> seen;  // id -> file
  auto check = [&](const std::string& id, const std::string& file) {
    const auto [it, inserted] = seen.emplace(id, file);
    if (!inserted)
      diagnostics.error(file, "/id",
                        fmt::format("duplicate policy id \"{}\", also defined in {}; ids must be unique across all "
                                    "policy files, rules and scenarios alike (use --no-bundled to replace the "
                                    "bundled data)",
                                    id, it->second));
  };
  for (const auto& s : files.rule_sets) check(s.id, s.file);
  for (const auto& s : files.scenarios) check(s.id, s.file);
}

const RuleSet* find_rule_set(const std::vector<RuleSet>& sets, const std::string& id) {
  for (const auto& s : sets)
    if (s.id == id) return &s;
  return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<Scenario> resolve(const PolicyFiles& files, const PolicyFiles& references, util::Diagnostics& diagnostics) {
  std::vector<std::string> candidates;
  for (const auto* list : {&files.rule_sets, &references.rule_sets})
    for (const auto& s : *list) candidates.push_back(s.id);
  std::vector<Scenario> out;
  for (const auto& sf : files.scenarios) {
    Scenario s{sf.id, sf.name, sf.description, sf.file, sf.is_default, {}};
    bool complete = true;
    for (std::size_t i = 0; i < sf.rule_set_ids.size(); ++i) {
      const auto& id = sf.rule_set_ids[i];
      const RuleSet* set = find_rule_set(files.rule_sets, id);
      if (!set) set = find_rule_set(references.rule_sets, id);
      if (set) {
        s.rule_sets.push_back(*set);
        continue;
      }
      complete = false;
      if (!contains(files.broken_ids, id) && !contains(references.broken_ids, id))
        diagnostics.error(sf.file, util::json_pointer_append("/rules", i),
                          fmt::format("unknown policy_rules id \"{}\"{}", id, util::did_you_mean(id, candidates)));
    }
    if (complete) out.push_back(std::move(s));
  }
  return out;
}

void check_defaults(const PolicyFiles& files, bool require_one_default, util::Diagnostics& diagnostics) {
  const ScenarioFile* first = nullptr;
  for (const auto& s : files.scenarios) {
    if (!s.is_default) continue;
    if (!first) {
      first = &s;
      continue;
    }
    diagnostics.error(s.file, "/default",
                      fmt::format("scenario \"{}\" is marked default, and so is \"{}\" in {}; exactly one scenario "
                                  "may be the default",
                                  s.id, first->id, first->file));
  }
  if (require_one_default && !first && !files.scenarios.empty())
    diagnostics.error("", "",
                      "no policy scenario is marked \"default\": true; mark exactly one (the rules in force at the "
                      "data's date)");
}

// The chip ids named by `sel` and the selectors inside it, with their JSON paths.
void collect_ids(const ChipSelector& sel, std::vector<std::pair<std::string, std::string>>& out) {
  for (std::size_t i = 0; i < sel.ids.size(); ++i)
    out.emplace_back(util::json_pointer_append(util::json_pointer_append(sel.json_path, "ids"), i), sel.ids[i]);
  for (const auto& s : sel.any_of) collect_ids(s, out);
  for (const auto& s : sel.all_of) collect_ids(s, out);
}

}  // namespace

PolicySet build_policy_set(PolicyFiles files, util::Diagnostics& diagnostics, const PolicyFiles& references,
                           bool require_one_default) {
  check_unique_ids(files, diagnostics);
  PolicySet set;
  set.scenarios = resolve(files, references, diagnostics);
  check_defaults(files, require_one_default, diagnostics);
  set.rule_sets = std::move(files.rule_sets);
  auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
  std::stable_sort(set.rule_sets.begin(), set.rule_sets.end(), by_id);
  std::stable_sort(set.scenarios.begin(), set.scenarios.end(), by_id);
  return set;
}

PolicyFiles read_policy_files(const util::FileSystem& fs, const std::vector<std::string>& data_paths,
                              util::Diagnostics& diagnostics) {
  PolicyFiles files;
  for (const auto& path : data_paths) {
    const auto kind = fs.kind(path);
    if (kind == util::FileSystem::Kind::directory) {
      const std::string sub = join_path(path, kPolicyDir);
      if (fs.kind(sub) != util::FileSystem::Kind::directory) continue;
      for (const auto& file : fs.json_files_below(sub)) load_policy_file(fs, file, files, diagnostics);
    } else if (kind == util::FileSystem::Kind::file) {
      // Only policy files; anything else is load_catalog's to read or report.
      const auto file_kind = specs::peek_kind(fs, path);
      if (file_kind && is_policy_kind(*file_kind)) load_policy_file(fs, path, files, diagnostics);
    }
  }
  return files;
}

PolicySet load_policies(const util::FileSystem& fs, const std::vector<std::string>& data_paths,
                        util::Diagnostics& diagnostics) {
  return build_policy_set(read_policy_files(fs, data_paths, diagnostics), diagnostics);
}

void check_chip_ids(const PolicySet& set, const std::vector<std::string>& accelerator_ids,
                    util::Diagnostics& diagnostics) {
  for (const auto& rs : set.rule_sets) {
    std::vector<std::pair<std::string, std::string>> named;  // json path -> id
    for (const auto& r : rs.rules) collect_ids(r.chips, named);
    for (const auto& c : rs.caps) collect_ids(c.chips, named);
    std::set<std::string> reported;
    for (const auto& [path, id] : named)
      if (!contains(accelerator_ids, id) && reported.insert(path).second)
        diagnostics.error(rs.file, path,
                          fmt::format("unknown accelerator \"{}\"{}", id, util::did_you_mean(id, accelerator_ids)));
  }
}

}  // namespace planner::policy
