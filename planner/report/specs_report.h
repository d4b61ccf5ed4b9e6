#pragma once
// Renders accelerators, systems and sites for people (tables with units) and
// for scripts (JSON whose keys follow hw_specs/SCHEMA.md, plus computed fields).

#include <string>

#include "specs/catalog.h"
#include "util/json_reader.h"

namespace planner::report {

// `constants` (may be null) adds the chip's family and serving measurement.
util::Json accelerator_json(const specs::Accelerator& a, const specs::ModelConstants* constants = nullptr);
util::Json system_json(const specs::System& s);
util::Json site_json(const specs::Site& s);

// `specs list`: every accelerator, then every system.
std::string specs_table(const specs::Catalog& catalog);
util::Json specs_list_json(const specs::Catalog& catalog);
// `specs show ID`: one accelerator or system with every source.
std::string accelerator_details(const specs::Accelerator& a, const specs::ModelConstants* constants = nullptr);
std::string system_details(const specs::System& s);

std::string sites_table(const specs::Catalog& catalog);
util::Json sites_list_json(const specs::Catalog& catalog);
std::string site_details(const specs::Site& s);

}  // namespace planner::report
