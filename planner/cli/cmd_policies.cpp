// policies list|show: the export-control scenarios a plan can be held to,
// each rule with its source, and what they decide for one buyer.

#include <fmt/format.h>

#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "policy/loader.h"
#include "report/policy_report.h"
#include "util/countries.h"
#include "util/spellcheck.h"

namespace planner::cli {

namespace {

// The policies of the data paths, chip ids checked against the catalog;
// prints the problems and returns nullopt on bad data.
std::optional<policy::PolicySet> load(Context& ctx) {
  const auto* catalog = ctx.catalog();
  if (!catalog) return std::nullopt;
  util::Diagnostics diagnostics;
  auto set = policy::load_policies(ctx.fs, ctx.data_paths, diagnostics);
  policy::check_chip_ids(set, catalog->accelerator_ids(), diagnostics);
  if (!diagnostics.empty()) {
    ctx.err << diagnostics.str();
    return std::nullopt;
  }
  return set;
}

int policies_list(Context& ctx) {
  const auto set = load(ctx);
  if (!set) return kExitUsage;
  if (ctx.format != Format::table)
    print_data(ctx, report::policies_list_json(*set), "scenarios");
  else
    ctx.out << report::policies_table(*set);
  return kExitOk;
}

// "CN,HK" and repeated options alike.
std::vector<std::string> country_list(const po::variables_map& vm, const char* key) {
  std::vector<std::string> out;
  if (!vm.count(key)) return out;
  for (const auto& value : vm[key].as<std::vector<std::string>>()) {
    std::stringstream ss(value);
    for (std::string item; std::getline(ss, item, ',');)
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool check_country(Context& ctx, std::string_view option, const std::string& code) {
  if (util::is_country_code(code)) return true;
  ctx.err << fmt::format(
      "clusterplan policies show: --{}: expected an ISO 3166-1 alpha-2 country code such as US or "
      "CN, got \"{}\"\n",
      option, code);
  return false;
}

// The buyer's verdicts for every catalog chip at each site country, and its caps.
report::BuyerView buyer_view(const specs::Catalog& catalog, const policy::Scenario& scenario, policy::Buyer buyer,
                             std::vector<std::string> site_countries) {
  report::BuyerView view{std::move(buyer), std::move(site_countries), {}, {}, {}};
  std::vector<const specs::Accelerator*> chips;
  for (const auto& chip : catalog.accelerators) {
    chips.push_back(&chip);
    view.chips.push_back(chip.id);
    auto& row = view.decisions.emplace_back();
    for (const auto& country : view.site_countries) row.push_back(policy::decide(scenario, chip, view.buyer, country));
  }
  view.caps = policy::caps(scenario, view.buyer, chips, view.site_countries);
  return view;
}

int policies_show(Context& ctx) {
  const auto set = load(ctx);
  if (!set) return kExitUsage;
  const auto& vm = ctx.vm;
  const auto& id = vm["id"].as<std::string>();
  std::optional<policy::Buyer> buyer;
  if (vm.count("buyer")) {
    buyer = policy::Buyer{vm["buyer"].as<std::string>(), vm["state-funded"].as<bool>()};
    if (!check_country(ctx, "buyer", buyer->country)) return kExitUsage;
  } else if (vm["state-funded"].as<bool>() || vm.count("site-country")) {
    ctx.err << "clusterplan policies show: --state-funded and --site-country describe a buyer; add --buyer CC\n";
    return kExitUsage;
  }
  auto sites = country_list(vm, "site-country");
  for (const auto& c : sites)
    if (!check_country(ctx, "site-country", c)) return kExitUsage;
  if (buyer && sites.empty()) sites.push_back(buyer->country);

  if (const auto* scenario = set->find(id)) {
    std::optional<report::BuyerView> view;
    if (buyer) view = buyer_view(*ctx.catalog(), *scenario, *buyer, sites);
    if (ctx.format != Format::table)
      print_data(ctx, report::scenario_json(*scenario, view));
    else
      ctx.out << report::scenario_details(*scenario, view);
    return kExitOk;
  }
  if (const auto* rule_set = set->find_rule_set(id)) {
    if (ctx.format != Format::table)
      print_data(ctx, report::rule_set_json(*rule_set));
    else
      ctx.out << report::rule_set_details(*rule_set, buyer);
    return kExitOk;
  }
  auto ids = set->scenario_ids();
  const auto rule_sets = set->rule_set_ids();
  ids.insert(ids.end(), rule_sets.begin(), rule_sets.end());
  ctx.err << fmt::format("clusterplan policies show: no scenario or rule set \"{}\"{}\nScenarios: {}\nRule sets: {}\n",
                         id, util::did_you_mean(id, ids), fmt::join(set->scenario_ids(), ", "),
                         fmt::join(rule_sets, ", "));
  return kExitUsage;
}

void add_show_options(po::options_description& desc, po::positional_options_description& positional) {
  desc.add_options()("id", po::value<std::string>()->required()->value_name("ID"), "the scenario or rule set to show")(
      "buyer", po::value<std::string>()->value_name("CC"),
      "list only the rules that can reach a buyer headquartered in CC, and its verdict for every chip")(
      "state-funded", po::bool_switch(), "the buyer's project receives state funds (China's domestic-chip rule)")(
      "site-country", po::value<std::vector<std::string>>()->composing()->value_name("CC"),
      "site countries for the verdicts (repeatable or comma-separated; default: the buyer's own)");
  positional.add("id", 1);
}

}  // namespace

std::vector<Command> policy_commands() {
  const std::vector<Format> formats = {Format::table, Format::json, Format::csv, Format::markdown};
  return {
      {"policies list", "", "list export-control scenarios and the rule sets they combine",
       "Scenarios from hw_specs/policies/ and any --specs data; plans use the default one unless --policy names "
       "another.",
       formats, nullptr, policies_list},
      {"policies show", "ID", "show a scenario's rules, caps and sources; with --buyer, the verdict for each chip",
       "Rules are written as the regulations are: thresholds on TPP and memory bandwidth computed from the spec "
       "sheets, and country lists. --buyer CC shows what applies to a buyer headquartered in CC at the sites given "
       "with --site-country.",
       formats, add_show_options, policies_show},
  };
}

}  // namespace planner::cli
