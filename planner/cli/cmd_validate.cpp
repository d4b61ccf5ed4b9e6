// validate FILE...: checks data and workload files without planning anything.

#include <algorithm>
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "policy/loader.h"
#include "report/schema.h"
#include "report/table.h"
#include "specs/loader.h"
#include "workload/loader.h"

namespace planner::cli {

namespace {

struct Checked {
  std::string file;
  std::string what;  // "accelerator h100-sxm", "site table (16 sites)"
  std::vector<util::Diagnostic> problems;
};

// Expands directories into the JSON files below them. A file named twice
// (a directory and a file in it) is checked once: read twice, its id would
// clash with itself.
std::vector<std::string> expand(const util::FileSystem& fs, const std::vector<std::string>& args) {
  std::vector<std::string> files;
  auto add = [&](std::string file) {
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(std::move(file));
  };
  for (const auto& arg : args) {
    if (fs.kind(arg) == util::FileSystem::Kind::directory) {
      for (auto& f : fs.json_files_below(arg)) add(std::move(f));
    } else {
      add(arg);
    }
  }
  return files;
}

std::string describe(const specs::Catalog& before, const specs::Catalog& after) {
  if (after.accelerators.size() > before.accelerators.size()) return "accelerator " + after.accelerators.back().id;
  if (after.systems.size() > before.systems.size()) return "system " + after.systems.back().id;
  if (after.sites.size() > before.sites.size())
    return fmt::format("site table ({} sites)", after.sites.size() - before.sites.size());
  if (after.cost_model && !before.cost_model)
    return fmt::format("cost model ({} fabric tiers, {} rents)", after.cost_model->fabric.size(),
                       after.cost_model->rentals.size());
  return "";
}

bool is_workload_file(const util::FileSystem& fs, const std::string& file) {
  const auto kind = specs::peek_kind(fs, file);
  return kind && workload::is_workload_kind(*kind);
}

bool is_policy_file(const util::FileSystem& fs, const std::string& file) {
  const auto kind = specs::peek_kind(fs, file);
  return kind && policy::is_policy_kind(*kind);
}

std::string describe(const policy::PolicyFiles& before, const policy::PolicyFiles& after) {
  if (after.rule_sets.size() > before.rule_sets.size()) {
    const auto& r = after.rule_sets.back();
    return fmt::format("policy rules {} ({} rules, {} caps)", r.id, r.rules.size(), r.caps.size());
  }
  if (after.scenarios.size() > before.scenarios.size()) return "policy scenario " + after.scenarios.back().id;
  return "";
}

int validate(Context& ctx) {
  const auto files = expand(ctx.fs, ctx.vm["files"].as<std::vector<std::string>>());
  util::Diagnostics diagnostics;
  specs::Catalog checked;
  policy::PolicyFiles checked_policies;
  std::vector<workload::Workload> checked_workloads;
  std::vector<Checked> results;
  for (const auto& file : files) {
    if (is_policy_file(ctx.fs, file)) {
      const auto before = checked_policies;
      policy::load_policy_file(ctx.fs, file, checked_policies, diagnostics);
      results.push_back({file, describe(before, checked_policies), {}});
      continue;
    }
    if (is_workload_file(ctx.fs, file)) {
      const auto w = workload::load_workload(ctx.fs, file, diagnostics);
      results.push_back({file, w ? fmt::format("{} workload {}", workload::to_string(w->kind), w->name) : "", {}});
      if (w) checked_workloads.push_back(*w);
      continue;
    }
    const specs::Catalog before = checked;
    specs::load_spec_file(ctx.fs, file, "", checked, diagnostics);
    results.push_back({file, describe(before, checked), {}});
  }
  // References may point into the loaded data (a system file naming a bundled chip).
  util::Diagnostics ignored;
  const auto data = specs::load_catalog(ctx.fs, ctx.data_paths, ignored);
  specs::check_catalog(checked, diagnostics, data.accelerator_ids());
  // Scenarios may name the loaded data's rule sets; policies may name its chips.
  // A workload's own chips and sites lists may name the loaded data or files checked here.
  auto chip_ids = data.chip_ids();
  for (auto& id : checked.chip_ids()) chip_ids.push_back(std::move(id));
  auto site_ids = data.site_ids();
  for (auto& id : checked.site_ids()) site_ids.push_back(std::move(id));
  for (const auto& w : checked_workloads) workload::check_workload_ids(w, chip_ids, site_ids, diagnostics);
  const auto policy_data = policy::read_policy_files(ctx.fs, ctx.data_paths, ignored);
  const auto policies = policy::build_policy_set(std::move(checked_policies), diagnostics, policy_data,
                                                 /*require_one_default=*/false);
  auto chips = data.accelerator_ids();
  for (const auto& a : checked.accelerators) chips.push_back(a.id);
  policy::check_chip_ids(policies, chips, diagnostics);

  std::size_t failed = 0;
  for (auto& r : results) {
    for (const auto& d : diagnostics.items())
      if (d.file == r.file) r.problems.push_back(d);
    failed += r.problems.empty() ? 0 : 1;
  }
  if (ctx.format != Format::table) {
    util::Json list = util::Json::array();
    for (const auto& r : results) {
      util::Json problems = util::Json::array();
      for (const auto& d : r.problems) problems.push_back({{"path", d.json_path}, {"message", d.message}});
      list.push_back({{"file", r.file}, {"ok", r.problems.empty()}, {"what", r.what}, {"problems", problems}});
    }
    print_data(ctx, {{"schema_version", report::kSchemaVersion}, {"files", list}});
  } else {
    for (const auto& r : results) {
      if (r.problems.empty()) ctx.out << fmt::format("ok    {}: {}\n", r.file, r.what);
      else ctx.out << fmt::format("FAIL  {}: {} problem{}\n", r.file, r.problems.size(), r.problems.size() == 1 ? "" : "s");
      for (const auto& d : r.problems) ctx.err << d.str() << "\n";
    }
    ctx.out << fmt::format("{} file{} checked, {} with problems\n", results.size(), results.size() == 1 ? "" : "s",
                           failed);
  }
  return failed ? kExitUsage : kExitOk;
}

}  // namespace

std::vector<Command> validate_commands() {
  return {{"validate", "FILE...", "check accelerator, system, site, policy and workload files (directories: every .json below)",
           "Reports every problem of every file with its JSON path; exits 2 when any file has a problem.",
           {Format::table, Format::json, Format::csv, Format::markdown},
           [](po::options_description& desc, po::positional_options_description& positional) {
             desc.add_options()("files", po::value<std::vector<std::string>>()->required()->value_name("FILE"),
                                "files or directories to check");
             positional.add("files", -1);
           },
           validate}};
}

}  // namespace planner::cli
