#pragma once
// Turns spec, system and site JSON into typed structs, reporting every problem
// of a file with its JSON path. Nothing here prints; problems go to Diagnostics.

#include <optional>
#include <string>
#include <vector>

#include "specs/accelerator.h"
#include "specs/site.h"
#include "specs/system.h"
#include "util/diagnostics.h"
#include "util/file_system.h"
#include "util/json_reader.h"

namespace planner::specs {

// "kind" values this stage reads.
inline constexpr std::string_view kKindAccelerator = "accelerator";
inline constexpr std::string_view kKindSystem = "system";
inline constexpr std::string_view kKindSiteTable = "site_table";

// True for ids of the form [a-z0-9][a-z0-9._-]*, at most 64 characters.
bool is_valid_id(std::string_view id);

// Each reads a parsed document (whose "kind" the caller has checked) and
// returns nullopt, or an empty table, when any problem was reported.
std::optional<Accelerator> read_accelerator(const util::Json& doc, const std::string& file,
                                            util::Diagnostics& diagnostics);
std::optional<System> read_system(const util::Json& doc, const std::string& file, util::Diagnostics& diagnostics);
std::vector<Site> read_site_table(const util::Json& doc, const std::string& file, util::Diagnostics& diagnostics);

// The "kind" of the file at `path` when it reads and parses, else nullopt;
// problems are left for the loader the file is then given to.
std::optional<std::string> peek_kind(const util::FileSystem& fs, const std::string& path);

// Reads the "kind" member for dispatch; reports a missing or non-string kind.
std::optional<std::string> read_kind(const util::Json& doc, const std::string& file,
                                     util::Diagnostics& diagnostics);

}  // namespace planner::specs
