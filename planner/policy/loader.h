#pragma once
// Loads hw_specs/policies/: policy_rules files (one regulation document
// each) and policy_scenario files (named combinations of them), reporting
// every problem with its file and JSON path (see hw_specs/SCHEMA.md,
// "Policies"). Nothing here prints.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "util/diagnostics.h"
#include "util/file_system.h"
#include "util/json_reader.h"

namespace planner::policy {

inline constexpr std::string_view kKindPolicyRules = "policy_rules";
inline constexpr std::string_view kKindPolicyScenario = "policy_scenario";
// The sub-folder of a data directory that holds policy files.
inline constexpr std::string_view kPolicyDir = "policies";

bool is_policy_kind(std::string_view kind);

// A scenario as written, its rule-set ids not yet resolved.
struct ScenarioFile {
  std::string id;
  std::string name;
  std::string description;
  std::string file;
  bool is_default = false;
  std::vector<std::string> rule_set_ids;
};

// Files read but not yet checked against each other.
struct PolicyFiles {
  std::vector<RuleSet> rule_sets;
  std::vector<ScenarioFile> scenarios;
  // Ids of files that had problems, so that scenarios naming them are not
  // reported a second time.
  std::vector<std::string> broken_ids;
};

// Each reads a parsed document whose "kind" the caller has checked and
// returns nullopt when any problem was reported.
std::optional<RuleSet> read_rule_set(const util::Json& doc, const std::string& file, util::Diagnostics& diagnostics);
std::optional<ScenarioFile> read_scenario(const util::Json& doc, const std::string& file,
                                          util::Diagnostics& diagnostics);

// Reads one policy_rules or policy_scenario file into `files`.
void load_policy_file(const util::FileSystem& fs, const std::string& path, PolicyFiles& files,
                      util::Diagnostics& diagnostics);
// The same for a document already parsed from `path`.
void add_policy_document(const util::Json& doc, const std::string& path, PolicyFiles& files,
                         util::Diagnostics& diagnostics);

// Checks ids for clashes (rule sets and scenarios share one namespace),
// resolves each scenario's rule-set ids against `files` and then
// `references`, and, when `require_one_default`, that exactly one scenario is
// the default (none loaded at all is fine). At most one default always.
PolicySet build_policy_set(PolicyFiles files, util::Diagnostics& diagnostics, const PolicyFiles& references = {},
                           bool require_one_default = true);

// The policy files of the same data paths load_catalog reads: for a
// directory, every .json below <dir>/policies/; a single file when its kind
// is policy_rules or policy_scenario. Missing paths and files of other kinds
// are left for load_catalog to report.
PolicySet load_policies(const util::FileSystem& fs, const std::vector<std::string>& data_paths,
                        util::Diagnostics& diagnostics);
// The files of the same paths, unchecked (validate resolves references with them).
PolicyFiles read_policy_files(const util::FileSystem& fs, const std::vector<std::string>& data_paths,
                              util::Diagnostics& diagnostics);

// Reports chip ids in the rules and caps of `set.rule_sets` that name no
// accelerator in `accelerator_ids`.
void check_chip_ids(const PolicySet& set, const std::vector<std::string>& accelerator_ids,
                    util::Diagnostics& diagnostics);

}  // namespace planner::policy
