// specs list|show and sites list|show: what the planner knows, with sources.

#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "report/specs_report.h"
#include "util/spellcheck.h"

namespace planner::cli {

namespace {

void add_id_argument(po::options_description& desc, po::positional_options_description& positional) {
  desc.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "the id to show");
  positional.add("id", 1);
}

int specs_list(Context& ctx) {
  const auto* catalog = ctx.catalog();
  if (!catalog) return kExitUsage;
  if (ctx.format != Format::table) print_data(ctx, report::specs_list_json(*catalog));
  else ctx.out << report::specs_table(*catalog);
  return kExitOk;
}

int specs_show(Context& ctx) {
  const auto* catalog = ctx.catalog();
  if (!catalog) return kExitUsage;
  const auto& id = ctx.vm["id"].as<std::string>();
  if (const auto* a = catalog->find_accelerator(id)) {
    const specs::ModelConstants* constants = catalog->constants ? &*catalog->constants : nullptr;
    if (ctx.format != Format::table) print_data(ctx, report::accelerator_json(*a, constants));
    else ctx.out << report::accelerator_details(*a, constants);
    return kExitOk;
  }
  if (const auto* s = catalog->find_system(id)) {
    if (ctx.format != Format::table) print_data(ctx, report::system_json(*s));
    else ctx.out << report::system_details(*s);
    return kExitOk;
  }
  const auto ids = catalog->chip_ids();
  ctx.err << fmt::format("clusterplan specs show: no accelerator or system \"{}\"{}\nKnown: {}\n", id,
                         util::did_you_mean(id, ids), fmt::join(ids, ", "));
  return kExitUsage;
}

int sites_list(Context& ctx) {
  const auto* catalog = ctx.catalog();
  if (!catalog) return kExitUsage;
  if (ctx.format != Format::table) print_data(ctx, report::sites_list_json(*catalog));
  else ctx.out << report::sites_table(*catalog);
  return kExitOk;
}

int sites_show(Context& ctx) {
  const auto* catalog = ctx.catalog();
  if (!catalog) return kExitUsage;
  const auto& id = ctx.vm["id"].as<std::string>();
  const auto* site = catalog->find_site(id);
  if (!site) {
    const auto ids = catalog->site_ids();
    ctx.err << fmt::format("clusterplan sites show: no site \"{}\"{}\nKnown: {}\n", id, util::did_you_mean(id, ids),
                           fmt::join(ids, ", "));
    return kExitUsage;
  }
  if (ctx.format != Format::table) print_data(ctx, report::site_json(*site));
  else ctx.out << report::site_details(*site);
  return kExitOk;
}

}  // namespace

std::vector<Command> specs_commands() {
  const std::vector<Format> formats = {Format::table, Format::json, Format::csv, Format::markdown};
  return {
      {"specs list", "", "list accelerators and systems with their key figures",
       "Every accelerator and system from the bundled hw_specs/ and any --specs data. Estimates are marked ~.",
       formats, nullptr, specs_list},
      {"specs show", "ID", "show one accelerator or system with the source of every figure", "", formats,
       add_id_argument, specs_show},
      {"sites list", "", "list data-centre sites: power price, PUE, capacity, carbon, subsidies",
       "Every site from the bundled site tables and any --sites/--specs data. Estimates are marked ~.", formats,
       nullptr, sites_list},
      {"sites show", "ID", "show one site with the source of every figure", "", formats, add_id_argument,
       sites_show},
  };
}

}  // namespace planner::cli
