#pragma once
// Everything the planner knows about hardware and sites, loaded from one or
// more data paths (the bundled hw_specs/ and the user's own), with ids checked
// for clashes and references checked across files.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "specs/accelerator.h"
#include "specs/constants.h"
#include "specs/cost_model.h"
#include "specs/site.h"
#include "specs/system.h"
#include "util/diagnostics.h"
#include "util/file_system.h"
#include "util/json_reader.h"

namespace planner::specs {

struct Catalog {
  // Each sorted by id, so output never depends on the order files were read in.
  std::vector<Accelerator> accelerators;
  std::vector<System> systems;
  std::vector<Site> sites;
  // The performance model's constants (hw_specs/model/constants.json); at most one file.
  std::optional<ModelConstants> constants;
  // The cost model's finance defaults, fabric tiers and rents (hw_specs/cost/); at most one file.
  std::optional<CostModel> cost_model;

  const Accelerator* find_accelerator(std::string_view id) const;
  const System* find_system(std::string_view id) const;
  const Site* find_site(std::string_view id) const;
  std::vector<std::string> accelerator_ids() const;
  std::vector<std::string> system_ids() const;
  // What a --chip or a "chips" list may name: accelerator ids, then system ids.
  std::vector<std::string> chip_ids() const;
  std::vector<std::string> site_ids() const;
};

// Sub-folders of a data directory read by this stage, each holding files of one kind.
inline constexpr std::string_view kAcceleratorDir = "accelerators";
inline constexpr std::string_view kSystemDir = "systems";
inline constexpr std::string_view kSiteDir = "sites";
inline constexpr std::string_view kModelDir = "model";
inline constexpr std::string_view kCostDir = "cost";

// Loads each path in order: a directory laid out like hw_specs/ (accelerators/,
// systems/, sites/; any may be absent) or a single accelerator, system or
// site-table file. Then checks that ids are unique and references resolve.
Catalog load_catalog(const util::FileSystem& fs, const std::vector<std::string>& paths,
                     util::Diagnostics& diagnostics);
// The same, then `site_tables`: files that must be site tables (--site-table).
Catalog load_catalog(const util::FileSystem& fs, const std::vector<std::string>& paths,
                     util::Diagnostics& diagnostics, const std::vector<std::string>& site_tables);

// Adds one file to `catalog`. `expected_kind` empty means any kind this stage reads.
void load_spec_file(const util::FileSystem& fs, const std::string& path, std::string_view expected_kind,
                    Catalog& catalog, util::Diagnostics& diagnostics);
// The same for a document already parsed from `path`.
void add_spec_document(const util::Json& doc, const std::string& path, std::string_view expected_kind,
                       Catalog& catalog, util::Diagnostics& diagnostics);

// Duplicate ids, and systems naming an accelerator that is neither in the
// catalog nor in `other_accelerators`. Sorts the catalog.
void check_catalog(Catalog& catalog, util::Diagnostics& diagnostics,
                   const std::vector<std::string>& other_accelerators = {});

}  // namespace planner::specs
