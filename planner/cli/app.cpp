#include "cli/app.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/printable_stream.h"
#include "util/spellcheck.h"

#ifndef CLUSTERPLAN_VERSION
#define CLUSTERPLAN_VERSION "unknown"
#endif
#ifndef CLUSTERPLAN_BUNDLED_SPECS
#define CLUSTERPLAN_BUNDLED_SPECS "hw_specs"
#endif

namespace planner::cli {

namespace {

constexpr std::string_view kOverview =
    "clusterplan sizes AI compute clusters: which chip, how many, which layout,\n"
    "which site, at what cost, under which export-control rules.\n";

std::string_view format_name(Format f) {
  switch (f) {
    case Format::table: return "table";
    case Format::json: return "json";
    case Format::csv: return "csv";
    case Format::markdown: return "markdown";
    case Format::xlsx: return "xlsx";
  }
  return "table";
}

// "output format: table for people, json for scripts, ..." for the formats a command has.
std::string format_help(const std::vector<Format>& formats) {
  std::string out;
  for (const auto f : formats) {
    out += out.empty() ? "output format: " : ", ";
    switch (f) {
      case Format::table: out += "table for people"; break;
      case Format::json: out += "json for scripts"; break;
      case Format::csv: out += "csv for spreadsheets"; break;
      case Format::markdown: out += "markdown for documents"; break;
      case Format::xlsx: out += "xlsx (with -o FILE) for Excel"; break;
    }
  }
  return out;
}

void add_common_options(po::options_description& desc, const Command& cmd) {
  std::string formats;
  for (const auto f : cmd.formats) formats += (formats.empty() ? "" : "|") + std::string(format_name(f));
  desc.add_options()
      ("help,h", "print this help and exit")
      ("specs", po::value<std::vector<std::string>>()->composing()->value_name("PATH"),
       "add data: a directory laid out like hw_specs/ (accelerators/, systems/, sites/) or one JSON file; "
       "repeatable; also taken from $CLUSTERPLAN_SPECS (':'-separated)")
      ("no-bundled", po::bool_switch(), "do not load the bundled hw_specs/; use only --specs/--site-table data")
      ("site-table", po::value<std::vector<std::string>>()->composing()->value_name("FILE"),
       "add a site-table file (kind \"site_table\"); repeatable");
  // The old spelling of --site-table, kept where --sites does not name site ids.
  if (!cmd.sites_are_ids)
    desc.add_options()("sites", po::value<std::vector<std::string>>()->composing()->value_name("FILE"),
                       "deprecated: use --site-table FILE (plan and sweep take site ids with --sites)");
  if (!cmd.formats.empty())
    desc.add_options()("format", po::value<std::string>()->default_value("table")->value_name(formats),
                       format_help(cmd.formats).c_str());
  if (std::find(cmd.formats.begin(), cmd.formats.end(), Format::xlsx) != cmd.formats.end())
    desc.add_options()("output,o", po::value<std::string>()->value_name("FILE"), "the file --format xlsx writes");
}

std::string command_usage(const Command& cmd) {
  return fmt::format("Usage: clusterplan {}{}{} [options]\n", cmd.name, cmd.args.empty() ? "" : " ", cmd.args);
}

void print_general_help(std::ostream& os) {
  os << "Usage: clusterplan COMMAND [ARGS] [options]\n\n" << kOverview << "\nCommands:\n";
  auto head_of = [](const Command& cmd) {
    return fmt::format("{}{}{}", cmd.name, cmd.args.empty() ? "" : " ", cmd.args);
  };
  std::size_t width = 0;
  for (const auto& cmd : commands()) width = std::max(width, head_of(cmd).size());
  for (const auto& cmd : commands()) os << fmt::format("  {:<{}}  {}\n", head_of(cmd), width, cmd.summary);
  os << "\nRun 'clusterplan COMMAND --help' for a command's options.\n"
        "Global: --help, --version.\n"
        "Exit codes: 0 ok, 1 no feasible plan (reasons printed), 2 usage or input error, 3 internal error.\n";
}

std::vector<std::string> command_words(std::string_view first_word) {
  std::vector<std::string> out;
  for (const auto& cmd : commands()) {
    const std::string name(cmd.name);
    const std::string head = name.substr(0, name.find(' '));
    if (first_word.empty() && (out.empty() || out.back() != head)) out.push_back(head);
    if (!first_word.empty() && head == first_word && name.size() > head.size()) out.push_back(name.substr(head.size() + 1));
  }
  return out;
}

const Command* find_command(std::string_view name) {
  for (const auto& cmd : commands())
    if (cmd.name == name) return &cmd;
  return nullptr;
}

std::vector<std::string> env_paths(const char* variable) {
  std::vector<std::string> out;
  const char* value = std::getenv(variable);
  if (!value) return out;
  std::stringstream ss(value);
  for (std::string item; std::getline(ss, item, ':');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The same directory or file named twice (by --specs and $CLUSTERPLAN_SPECS,
// or as "dir" and "dir/") is loaded once: read twice, its ids would clash
// with themselves ("also defined in" the same file; issue 13).
void add_once(std::vector<std::string>& paths, std::vector<std::string>& seen, std::string path) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) canonical = path;
  if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) return;
  seen.push_back(std::move(canonical));
  paths.push_back(std::move(path));
}

std::vector<std::string> data_paths(const po::variables_map& vm) {
  std::vector<std::string> paths, seen;
  if (!vm.count("no-bundled") || !vm["no-bundled"].as<bool>()) add_once(paths, seen, bundled_data_dir());
  for (auto& p : env_paths("CLUSTERPLAN_SPECS")) add_once(paths, seen, std::move(p));
  if (vm.count("specs"))
    for (const auto& p : vm["specs"].as<std::vector<std::string>>()) add_once(paths, seen, p);
  return paths;
}

// --site-table files, and --sites files where --sites is the old spelling.
std::vector<std::string> site_table_paths(const po::variables_map& vm, bool sites_are_ids) {
  std::vector<std::string> paths, seen;
  for (const char* key : {"site-table", "sites"})
    if (vm.count(key) && !(sites_are_ids && std::string_view(key) == "sites"))
      for (const auto& p : vm[key].as<std::vector<std::string>>()) add_once(paths, seen, p);
  return paths;
}

// Resolves the words that name a command ("specs list"); on failure prints
// why and returns nullptr with `exit_code` set.
const Command* resolve(const std::vector<std::string>& args, std::size_t& consumed, std::ostream& out,
                       std::ostream& err, int& exit_code) {
  if (args.size() >= 2) {
    if (const auto* cmd = find_command(args[0] + " " + args[1])) {
      consumed = 2;
      return cmd;
    }
  }
  if (const auto* cmd = find_command(args[0])) {
    consumed = 1;
    return cmd;
  }
  const auto subcommands = command_words(args[0]);
  if (!subcommands.empty()) {
    std::string list;
    for (const auto& s : subcommands) list += "  clusterplan " + args[0] + " " + s + "\n";
    const bool asked_help = args.size() >= 2 && (args[1] == "--help" || args[1] == "-h");
    if (asked_help) {
      out << "Usage: clusterplan " << args[0] << " SUBCOMMAND [options]\n\nSubcommands:\n" << list;
      exit_code = kExitOk;
      return nullptr;
    }
    if (args.size() >= 2)
      err << fmt::format("clusterplan {}: unknown subcommand \"{}\"{}\n", args[0], args[1],
                         util::did_you_mean(args[1], subcommands));
    else
      err << fmt::format("clusterplan {}: missing subcommand\n", args[0]);
    err << "Subcommands:\n" << list;
    exit_code = kExitUsage;
    return nullptr;
  }
  err << fmt::format("clusterplan: unknown command \"{}\"{}\nRun 'clusterplan --help' for the list of commands.\n",
                     args[0], util::did_you_mean(args[0], command_words("")));
  exit_code = kExitUsage;
  return nullptr;
}

std::vector<std::string> long_option_names(const po::options_description& desc) {
  std::vector<std::string> out;
  for (const auto& option : desc.options()) out.push_back("--" + option->long_name());
  return out;
}

int run_command(const Command& cmd, const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  po::options_description desc("Options");
  po::positional_options_description positional;
  add_common_options(desc, cmd);
  if (cmd.add_options) cmd.add_options(desc, positional);
  po::variables_map vm;
  try {
    // No guessing of option prefixes: "--cou 64" would otherwise mean --count,
    // and a future option could change what an abbreviation means.
    const auto style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(rest).options(desc).positional(positional).style(style).run(), vm);
    if (vm.count("help")) {
      out << command_usage(cmd) << "\n" << cmd.summary << "\n";
      if (!cmd.details.empty()) out << "\n" << cmd.details << "\n";
      out << "\n" << desc << "\n";
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    err << fmt::format("clusterplan {}: unknown option '{}'{}\nRun 'clusterplan {} --help' for the options.\n",
                       cmd.name, e.get_option_name(), util::did_you_mean(e.get_option_name(), long_option_names(desc)),
                       cmd.name);
    return kExitUsage;
  } catch (const po::required_option& e) {
    // A missing positional argument reads as a missing option to Boost; name it as the usage line does.
    std::string name = e.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    bool positional_argument = false;
    for (unsigned i = 0; i < std::min(positional.max_total_count(), 8U); ++i)
      positional_argument = positional_argument || positional.name_for_position(i) == name;
    if (positional_argument) {
      const auto* option = desc.find_nothrow(name, false);
      err << fmt::format("clusterplan {}: missing {}\n{}Run 'clusterplan {} --help' for the options.\n", cmd.name,
                         option ? option->semantic()->name() : name, command_usage(cmd), cmd.name);
    } else {
      err << fmt::format("clusterplan {}: {}\nRun 'clusterplan {} --help' for the options.\n", cmd.name, e.what(),
                         cmd.name);
    }
    return kExitUsage;
  } catch (const po::error& e) {
    err << fmt::format("clusterplan {}: {}\nRun 'clusterplan {} --help' for the options.\n", cmd.name, e.what(),
                       cmd.name);
    return kExitUsage;
  }
  Format format = Format::table;
  if (vm.count("format")) {
    const auto& name = vm["format"].as<std::string>();
    bool known = false;
    std::vector<std::string> names;
    for (const auto f : cmd.formats) {
      names.emplace_back(format_name(f));
      if (name == format_name(f)) format = f, known = true;
    }
    if (!known) {
      err << fmt::format("clusterplan {}: --format: expected one of {}, got \"{}\"\n", cmd.name,
                         fmt::join(names, ", "), name);
      return kExitUsage;
    }
  }
  if (format == Format::xlsx && !vm.count("output")) {
    err << fmt::format("clusterplan {}: --format xlsx writes a file: name it with -o FILE\n", cmd.name);
    return kExitUsage;
  }
  util::RealFileSystem fs;
  if (!cmd.sites_are_ids && vm.count("sites"))
    err << fmt::format("clusterplan {}: --sites FILE is deprecated; use --site-table FILE (--sites takes site ids in "
                       "plan and sweep)\n",
                       cmd.name);
  Context ctx{vm, out, err, fs, format, data_paths(vm)};
  ctx.site_tables = site_table_paths(vm, cmd.sites_are_ids);
  ctx.command = cmd.name;
  return cmd.run(ctx);
}

}  // namespace

const specs::Catalog* Context::catalog() {
  if (!catalog_) {
    util::Diagnostics diagnostics;
    catalog_ = specs::load_catalog(fs, data_paths, diagnostics, site_tables);
    if (!diagnostics.empty()) {
      err << diagnostics.str();
      catalog_.reset();
      return nullptr;
    }
  }
  return &*catalog_;
}

const specs::Catalog* Context::sizing_catalog(bool needs_sites) {
  const auto* loaded = catalog();
  if (!loaded) return nullptr;
  std::vector<std::string> missing;
  if (loaded->accelerators.empty()) missing.emplace_back("no accelerators (a data directory's accelerators/)");
  if (!loaded->constants) missing.emplace_back("no model constants (a data directory's model/constants.json)");
  if (needs_sites && loaded->sites.empty()) missing.emplace_back("no sites (a site table: sites/ or --site-table)");
  if (missing.empty()) return loaded;
  const bool bundled = std::find(data_paths.begin(), data_paths.end(), bundled_data_dir()) != data_paths.end();
  err << fmt::format("clusterplan {}: the data loaded has {}; {}\n", command, fmt::join(missing, ", "),
                     bundled ? "the bundled data is incomplete (check $CLUSTERPLAN_DATA_DIR)"
                             : "with --no-bundled, give all of them with --specs DIR (laid out like hw_specs/)");
  return nullptr;
}

std::string bundled_data_dir() {
  if (const char* dir = std::getenv("CLUSTERPLAN_DATA_DIR"); dir && *dir) return dir;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "clusterplan" / "hw_specs";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return CLUSTERPLAN_BUNDLED_SPECS;
}

namespace {
int run_unfiltered(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// Longest line written to stderr whole: a message quoting a 1 MB name keeps its start and end.
constexpr std::size_t kMaxErrorLineBytes = 4000;
}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  PrintableStreamBuf out_buffer(out, 0), err_buffer(err, kMaxErrorLineBytes);
  std::ostream safe_out(&out_buffer), safe_err(&err_buffer);
  const int code = run_unfiltered(args, safe_out, safe_err);
  safe_out.flush();
  safe_err.flush();
  return code;
}

namespace {

int run_unfiltered(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) {
      print_general_help(err);
      return kExitUsage;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      print_general_help(out);
      return kExitOk;
    }
    if (args[0] == "--version") {
      out << "clusterplan " << CLUSTERPLAN_VERSION << "\n";
      return kExitOk;
    }
    if (args[0].starts_with("-")) {
      err << fmt::format("clusterplan: expected a command before options, got '{}'\n"
                         "Run 'clusterplan --help' for the list of commands.\n",
                         args[0]);
      return kExitUsage;
    }
    std::size_t consumed = 0;
    int exit_code = kExitUsage;
    const Command* cmd = resolve(args, consumed, out, err, exit_code);
    if (!cmd) return exit_code;
    return run_command(*cmd, std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(consumed), args.end()),
                       out, err);
  } catch (const util::InputError& e) {
    err << e.what();
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "clusterplan: internal error: " << e.what() << "\nThis is a bug; please report it with the command line.\n";
    return kExitInternal;
  }
}

}  // namespace

}  // namespace planner::cli
