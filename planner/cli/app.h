#pragma once
// The command-line front end: a table of commands, the options they share,
// and the mapping of outcomes to exit codes. Commands call the core library
// and print; they compute nothing themselves.

#include <functional>
#include <optional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "specs/catalog.h"
#include "util/file_system.h"

namespace planner::cli {

namespace po = boost::program_options;

// Exit codes, the same for every command.
enum ExitCode : int {
  kExitOk = 0,
  kExitInfeasible = 1,  // no plan meets the request; the reasons are printed
  kExitUsage = 2,       // bad arguments or bad input files
  kExitInternal = 3,    // a bug: please report it
};

enum class Format { table, json, csv, markdown, xlsx };

// What a command is given when it runs.
struct Context {
  Context(const po::variables_map& vm_, std::ostream& out_, std::ostream& err_, const util::FileSystem& fs_,
          Format format_, std::vector<std::string> data_paths_)
      : vm(vm_), out(out_), err(err_), fs(fs_), format(format_), data_paths(std::move(data_paths_)) {}

  const po::variables_map& vm;
  std::ostream& out;
  std::ostream& err;
  const util::FileSystem& fs;
  Format format = Format::table;
  std::string command;  // "specs list"
  // The data paths in load order: bundled hw_specs/ (unless --no-bundled),
  // CLUSTERPLAN_SPECS entries, then --specs in the order given; each once.
  std::vector<std::string> data_paths;
  // --site-table files (and --sites files where --sites is that option's old
  // spelling): each must be a site table.
  std::vector<std::string> site_tables;

  // Loads the catalog; on bad data prints the problems and returns nullptr
  // (the command then exits with kExitUsage).
  const specs::Catalog* catalog();
  // The catalog when it holds what sizing needs (accelerators, the model
  // constants, and sites when `needs_sites`); else prints what is missing
  // and returns nullptr, for exit 2: missing data is an input error, not
  // an infeasible plan (`--no-bundled` alone used to exit 1 saying nothing).
  const specs::Catalog* sizing_catalog(bool needs_sites);

 private:
  std::optional<specs::Catalog> catalog_;
};

struct Command {
  std::string_view name;     // "specs list"
  std::string_view args;     // "ID" for the usage line
  std::string_view summary;  // one line for `clusterplan --help`
  std::string_view details;  // a paragraph for `clusterplan NAME --help`
  std::vector<Format> formats;
  std::function<void(po::options_description&, po::positional_options_description&)> add_options;
  std::function<int(Context&)> run;
  // The command's own --sites takes site ids (plan); data site tables then come with --specs.
  bool sites_are_ids = false;
};

// Every command, in the order `--help` lists them.
const std::vector<Command>& commands();

// Entry point: parses `args` (without the program name), runs the command,
// and returns an ExitCode. Never throws.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The bundled hw_specs/ directory: $CLUSTERPLAN_DATA_DIR, else
// <exe>/../share/clusterplan/hw_specs when installed, else the source tree's.
std::string bundled_data_dir();

}  // namespace planner::cli
