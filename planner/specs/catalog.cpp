#include "specs/catalog.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "specs/loader.h"
#include "util/json_reader.h"
#include "util/spellcheck.h"

namespace planner::specs {

namespace {

template <typename T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

template <typename T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.id);
  return out;
}

template <typename T>
void sort_by_id(std::vector<T>& items) {
  std::stable_sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.id < b.id; });
}

std::string join_path(const std::string& dir, std::string_view sub) {
  return dir.ends_with('/') ? dir + std::string(sub) : dir + "/" + std::string(sub);
}

// Data files on the same paths that a later stage reads: policy/loader.h
// (policies/ in a data directory, or single files of these kinds).
constexpr std::string_view kPolicyDir = "policies";
bool is_later_stage_kind(std::string_view kind) { return kind == "policy_rules" || kind == "policy_scenario"; }

// A file given as a site table (--site-table): an accelerator file there used
// to load as an accelerator (issue 13).
void load_site_table_file(const util::FileSystem& fs, const std::string& path, Catalog& catalog,
                          util::Diagnostics& diagnostics) {
  if (fs.kind(path) == util::FileSystem::Kind::directory) {
    diagnostics.error(path, "", "is a directory, expected a site-table file (a data directory goes to --specs)");
    return;
  }
  const auto doc = util::read_json_file(fs, path, diagnostics);
  if (!doc) return;
  const auto kind = read_kind(*doc, path, diagnostics);
  if (!kind) return;
  if (*kind != kKindSiteTable) {
    diagnostics.error(path, "/kind", fmt::format("expected \"site_table\" in a file given as a site table, got \"{}\"; "
                                                 "accelerator, system and model files go to --specs", *kind));
    return;
  }
  add_spec_document(*doc, path, kKindSiteTable, catalog, diagnostics);
}

}  // namespace

const Accelerator* Catalog::find_accelerator(std::string_view id) const { return find_by_id(accelerators, id); }
const System* Catalog::find_system(std::string_view id) const { return find_by_id(systems, id); }
const Site* Catalog::find_site(std::string_view id) const { return find_by_id(sites, id); }
std::vector<std::string> Catalog::accelerator_ids() const { return ids_of(accelerators); }
std::vector<std::string> Catalog::system_ids() const { return ids_of(systems); }
std::vector<std::string> Catalog::site_ids() const { return ids_of(sites); }
std::vector<std::string> Catalog::chip_ids() const {
  auto ids = accelerator_ids();
  for (auto& id : system_ids()) ids.push_back(std::move(id));
  return ids;
}

void load_spec_file(const util::FileSystem& fs, const std::string& path, std::string_view expected_kind,
                    Catalog& catalog, util::Diagnostics& diagnostics) {
  if (const auto doc = util::read_json_file(fs, path, diagnostics))
    add_spec_document(*doc, path, expected_kind, catalog, diagnostics);
}

void add_spec_document(const util::Json& parsed, const std::string& path, std::string_view expected_kind,
                       Catalog& catalog, util::Diagnostics& diagnostics) {
  const util::Json* doc = &parsed;
  const auto kind = read_kind(*doc, path, diagnostics);
  if (!kind) return;
  const std::vector<std::string> kinds = {std::string(kKindAccelerator), std::string(kKindSystem),
                                          std::string(kKindSiteTable), std::string(kKindModelConstants),
                                          std::string(kKindCostModel)};
  if (expected_kind.empty() && is_later_stage_kind(*kind)) return;  // the policy loader reads these
  if (!expected_kind.empty() && *kind != expected_kind) {
    diagnostics.error(path, "/kind", fmt::format("expected \"{}\" for a file in this folder, got \"{}\"",
                                                 expected_kind, *kind));
  } else if (*kind == kKindAccelerator) {
    if (auto a = read_accelerator(*doc, path, diagnostics)) catalog.accelerators.push_back(std::move(*a));
  } else if (*kind == kKindSystem) {
    if (auto s = read_system(*doc, path, diagnostics)) catalog.systems.push_back(std::move(*s));
  } else if (*kind == kKindSiteTable) {
    for (auto& site : read_site_table(*doc, path, diagnostics)) catalog.sites.push_back(std::move(site));
  } else if (*kind == kKindModelConstants) {
    auto constants = read_model_constants(*doc, path, diagnostics);
    if (constants && catalog.constants)
      diagnostics.error(path, "", "model constants are already loaded from " + catalog.constants->file +
                                      "; pass --no-bundled to use your own");
    else if (constants)
      catalog.constants = std::move(*constants);
  } else if (*kind == kKindCostModel) {
    auto model = read_cost_model(*doc, path, diagnostics);
    if (model && catalog.cost_model)
      diagnostics.error(path, "", "the cost model is already loaded from " + catalog.cost_model->file +
                                      "; pass --no-bundled to use your own");
    else if (model)
      catalog.cost_model = std::move(*model);
  } else {
    diagnostics.error(path, "/kind", fmt::format("expected \"accelerator\", \"system\", \"site_table\", \"model_constants\" or \"cost_model\", got \"{}\"{}",
                                                 *kind, util::did_you_mean(*kind, kinds)));
  }
}

Catalog load_catalog(const util::FileSystem& fs, const std::vector<std::string>& paths,
                     util::Diagnostics& diagnostics) {
  return load_catalog(fs, paths, diagnostics, {});
}

Catalog load_catalog(const util::FileSystem& fs, const std::vector<std::string>& paths,
                     util::Diagnostics& diagnostics, const std::vector<std::string>& site_tables) {
  Catalog catalog;
  for (const auto& path : paths) {
    switch (fs.kind(path)) {
      case util::FileSystem::Kind::missing:
      case util::FileSystem::Kind::other:
        diagnostics.error(path, "", fs.why_unusable(path));
        break;
      case util::FileSystem::Kind::file:
        load_spec_file(fs, path, "", catalog, diagnostics);
        break;
      case util::FileSystem::Kind::directory: {
        const std::pair<std::string_view, std::string_view> folders[] = {
            {kAcceleratorDir, kKindAccelerator}, {kSystemDir, kKindSystem}, {kSiteDir, kKindSiteTable},
            {kModelDir, kKindModelConstants}, {kCostDir, kKindCostModel}};
        bool any = false;
        for (const auto& [folder, kind] : folders) {
          const std::string sub = join_path(path, folder);
          if (fs.kind(sub) != util::FileSystem::Kind::directory) continue;
          any = true;
          for (const auto& file : fs.json_files_below(sub)) load_spec_file(fs, file, kind, catalog, diagnostics);
        }
        if (!any && fs.kind(join_path(path, kPolicyDir)) == util::FileSystem::Kind::directory) any = true;
        if (!any)
          diagnostics.error(path, "",
                            "no accelerators/, systems/ or sites/ folder here; a data directory is laid out like "
                            "hw_specs/, or name single JSON files instead");
        break;
      }
    }
  }
  for (const auto& path : site_tables) load_site_table_file(fs, path, catalog, diagnostics);
  check_catalog(catalog, diagnostics);
  return catalog;
}

namespace {

// Reports ids defined twice. Accelerators and systems share one namespace,
// since commands accept either where a chip is asked for.
void check_unique_ids(const Catalog& catalog, util::Diagnostics& diagnostics) {
  std::map<std::string, std::string> chip_ids;  // id -> file
  auto check = [&](std::map<std::string, std::string>& seen, const std::string& id, const std::string& file,
                   const std::string& path, std::string_view what) {
    const auto [it, inserted] = seen.emplace(id, file);
    if (!inserted)
      diagnostics.error(file, path,
                        fmt::format("duplicate {} id \"{}\", also defined in {}; ids must be unique across all "
                                    "data files (use --no-bundled to replace the bundled data)",
                                    what, id, it->second));
  };
  for (const auto& a : catalog.accelerators) check(chip_ids, a.id, a.file, "/id", "accelerator");
  for (const auto& s : catalog.systems) check(chip_ids, s.id, s.file, "/id", "system");
  std::map<std::string, std::string> site_ids;
  for (const auto& s : catalog.sites) check(site_ids, s.id, s.file, s.json_path + "/id", "site");
}

}  // namespace

void check_catalog(Catalog& catalog, util::Diagnostics& diagnostics,
                   const std::vector<std::string>& other_accelerators) {
  check_unique_ids(catalog, diagnostics);
  auto chips = catalog.accelerator_ids();
  chips.insert(chips.end(), other_accelerators.begin(), other_accelerators.end());
  // A set for the lookups: thousands of system files against thousands of chips were quadratic.
  const std::set<std::string> known(chips.begin(), chips.end());
  if (catalog.constants) {
    for (const auto& [chip, _] : catalog.constants->per_chip)
      if (!known.count(chip))
        diagnostics.error(catalog.constants->file, util::json_pointer_append("/chips", chip),
                          fmt::format("unknown accelerator \"{}\"{}", chip, util::did_you_mean(chip, chips)));
    for (const auto& [id, family] : catalog.constants->families)
      for (std::size_t i = 0; i < family.chips.size(); ++i)
        if (!known.count(family.chips[i]))
          diagnostics.error(catalog.constants->file,
                            util::json_pointer_append(util::json_pointer_append("/families", id) + "/chips", i),
                            fmt::format("unknown accelerator \"{}\"{}", family.chips[i],
                                        util::did_you_mean(family.chips[i], chips)));
  }
  for (const auto& s : catalog.systems) {
    if (!known.count(s.accelerator))
      diagnostics.error(s.file, "/accelerator",
                        fmt::format("unknown accelerator \"{}\"{}", s.accelerator, util::did_you_mean(s.accelerator, chips)));
  }
  sort_by_id(catalog.accelerators);
  sort_by_id(catalog.systems);
  sort_by_id(catalog.sites);
}

}  // namespace planner::specs
