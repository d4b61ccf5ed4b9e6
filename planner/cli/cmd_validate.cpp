// validate FILE...: checks data and workload files without planning anything.

#include <algorithm>
#include <map>
#include <set>
#include <utility>
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
// `empty_dirs` gets the directories with no .json file below them.
std::vector<std::string> expand(const util::FileSystem& fs, const std::vector<std::string>& args,
                                std::vector<std::string>& empty_dirs) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add = [&](std::string file) {
    if (seen.insert(file).second) files.push_back(std::move(file));
  };
  for (const auto& arg : args) {
    if (fs.kind(arg) == util::FileSystem::Kind::directory) {
      auto below = fs.json_files_below(arg);
      if (below.empty()) empty_dirs.push_back(arg);
      for (auto& f : below) add(std::move(f));
    } else {
      add(arg);
    }
  }
  return files;
}

// How many of each thing a catalog or policy set holds, to tell what one file added
// (copying the whole catalog per file made validate DIR quadratic; issue 13).
struct Sizes {
  std::size_t accelerators = 0, systems = 0, sites = 0;
  bool cost_model = false;
  explicit Sizes(const specs::Catalog& c)
      : accelerators(c.accelerators.size()), systems(c.systems.size()), sites(c.sites.size()),
        cost_model(c.cost_model.has_value()) {}
};

std::string describe(const Sizes& before, const specs::Catalog& after) {
  if (after.accelerators.size() > before.accelerators) return "accelerator " + after.accelerators.back().id;
  if (after.systems.size() > before.systems) return "system " + after.systems.back().id;
  if (after.sites.size() > before.sites) return fmt::format("site table ({} sites)", after.sites.size() - before.sites);
  if (after.cost_model && !before.cost_model)
    return fmt::format("cost model ({} fabric tiers, {} rents)", after.cost_model->fabric.size(),
                       after.cost_model->rentals.size());
  return "";
}

std::string describe(std::pair<std::size_t, std::size_t> before, const policy::PolicyFiles& after) {
  if (after.rule_sets.size() > before.first) {
    const auto& r = after.rule_sets.back();
    return fmt::format("policy rules {} ({} rules, {} caps)", r.id, r.rules.size(), r.caps.size());
  }
  if (after.scenarios.size() > before.second) return "policy scenario " + after.scenarios.back().id;
  return "";
}

int validate(Context& ctx) {
  std::vector<std::string> empty_dirs;
  const auto files = expand(ctx.fs, ctx.vm["files"].as<std::vector<std::string>>(), empty_dirs);
  if (!empty_dirs.empty()) {  // nothing to check is no success (issue 13)
    for (const auto& dir : empty_dirs)
      ctx.err << fmt::format("clusterplan validate: {}: no .json file below this directory, nothing to check\n",
                             util::Diagnostics::file_name(dir));
    return kExitUsage;
  }
  util::Diagnostics diagnostics;
  specs::Catalog checked;
  policy::PolicyFiles checked_policies;
  std::vector<workload::Workload> checked_workloads;
  std::vector<Checked> results;
  for (const auto& file : files) {
    // Parsed once here (it used to be parsed three times to find its kind).
    const auto doc = util::read_json_file(ctx.fs, file, diagnostics);
    util::Diagnostics no_kind;  // a missing kind is reported by the spec loader below
    const auto kind = doc ? specs::read_kind(*doc, file, no_kind) : std::nullopt;
    if (!doc) {
      results.push_back({file, "", {}});
    } else if (kind && policy::is_policy_kind(*kind)) {
      const std::pair before{checked_policies.rule_sets.size(), checked_policies.scenarios.size()};
      policy::add_policy_document(*doc, file, checked_policies, diagnostics);
      results.push_back({file, describe(before, checked_policies), {}});
    } else if (kind && workload::is_workload_kind(*kind)) {
      const auto w = workload::read_workload(*doc, file, diagnostics);
      results.push_back({file, w ? fmt::format("{} workload {}", workload::to_string(w->kind), w->name) : "", {}});
      if (w) checked_workloads.push_back(*w);
    } else {
      const Sizes before(checked);
      specs::add_spec_document(*doc, file, "", checked, diagnostics);
      results.push_back({file, describe(before, checked), {}});
    }
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

  // Problems by file name as Diagnostics holds it (escaped): a file whose name
  // is not valid UTF-8 must still get its problems (it used to be "ok", exit 0).
  std::map<std::string, std::vector<util::Diagnostic>> by_file;
  for (const auto& d : diagnostics.items()) by_file[d.file].push_back(d);
  std::size_t failed = 0;
  for (auto& r : results) {
    r.file = util::Diagnostics::file_name(r.file);
    if (const auto it = by_file.find(r.file); it != by_file.end()) r.problems = std::move(it->second);
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
      else {
        const std::size_t n = diagnostics.count(r.file);
        ctx.out << fmt::format("FAIL  {}: {} problem{}\n", r.file, n, n == 1 ? "" : "s");
      }
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
