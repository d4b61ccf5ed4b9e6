// plan WORKLOAD... and compare WORKLOAD: size and price clusters across chips
// and sites under an export-control scenario.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/plan_options.h"
#include "policy/loader.h"
#include "report/break_even_report.h"
#include "report/plan_document.h"
#include "report/plan_report.h"
#include "search/break_even.h"
#include "search/plan.h"
#include "util/countries.h"
#include "util/spellcheck.h"
#include "workload/bounds.h"
#include "workload/loader.h"

namespace planner::cli {

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

bool read_ids_option(Context& ctx, const char* option, std::vector<std::string>& ids) {
  const auto& text = ctx.vm[option].as<std::string>();
  ids.clear();
  std::size_t start = 0;
  for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    ids.push_back(text.substr(start, comma - start));
  ids.push_back(text.substr(start));
  if (std::none_of(ids.begin(), ids.end(), [](const std::string& id) { return id.empty(); })) return true;
  ctx.err << fmt::format("clusterplan: --{}: expected ids separated by commas, got \"{}\"{}\n", option, text,
                         text.find_first_not_of(", ") == std::string::npos ? " (leave the option out to allow every one)"
                                                                           : " (an empty id)");
  return false;
}

void add_policy_and_cost_options(po::options_description& desc) {
  desc.add_options()
      ("chips", po::value<std::string>()->value_name("IDS"), "accelerator or system ids, comma-separated (default: every system)")
      ("buyer", po::value<std::string>()->default_value("US")->value_name("CC"), "the buyer's home country (ISO 3166-1 alpha-2)")
      ("state-funded", po::bool_switch(), "the buyer is a state-funded project (China's domestic-chip rule)")
      ("policy", po::value<std::string>()->value_name("ID"), "export-control scenario (policies list; default: the rules in force)")
      ("licences", po::value<std::string>()->default_value("grant")->value_name("grant|deny"),
       "chips that need a case-by-case export licence: assume it is granted, or refused")
      ("objective", po::value<std::string>()->default_value("job-cost")->value_name("job-cost|lifetime-tco|time|energy|carbon"),
       "what to minimise: job-cost = each job's share of the yearly cost of ownership (training: its days; serving: "
       "--serving-years), lifetime-tco = the clusters' cost over the chip life, time = training days, energy = MWh, "
       "carbon = tCO2 (tco is accepted for job-cost)")
      ("deadline-days", po::value<double>()->value_name("D"), "training deadline, overriding the workload's deadline_days")
      ("batch-tolerance", po::value<double>()->default_value(perf::kDefaultBatchTolerance, "0.05")->value_name("F"),
       "a training layout's global batch may differ from the workload's by this share (0 to 0.25)")
      ("chip-life-years", po::value<double>()->default_value(5)->value_name("Y"), "chips and servers written off over Y years")
      ("building-life-years", po::value<double>()->default_value(15)->value_name("Y"), "facility written off over Y years")
      ("cost-of-capital", po::value<double>()->value_name("R"), "annual cost of capital (default: the cost model's, bundled 0.08)")
      ("maintenance-share", po::value<double>()->value_name("F"), "maintenance and support per year, share of IT capex (default: the cost model's)")
      ("staff-per-mw", po::value<double>()->value_name("N"), "operations staff per MW of IT load (default: the cost model's)")
      ("staff-usd-per-year", po::value<double>()->value_name("USD"), "loaded cost of one operations staff member per year (default: the cost model's)")
      ("software-usd-per-chip-year", po::value<double>()->value_name("USD"), "software licences and support per chip per year (default: the cost model's)")
      ("insurance-tax-share", po::value<double>()->value_name("F"), "insurance and property tax per year, share of capex (default: the cost model's)")
      ("spares-share", po::value<double>()->value_name("F"), "spare parts per year, share of IT capex (default: the cost model's)")
      ("residual-share", po::value<double>()->value_name("F"), "IT capex recovered at the end of the chip life (default: the cost model's)")
      ("serving-utilisation", po::value<double>()->value_name("F"), "average served load over the peak a serving fleet is sized for (default: the cost model's)")
      ("host-typical-share", po::value<double>()->value_name("F"), "host typical draw over nameplate, for systems that state none (default: the cost model's)")
      ("carbon-usd-per-tco2", po::value<double>()->default_value(0)->value_name("USD"), "carbon price per tonne of CO2, charged on the energy's emissions")
      ("subsidies", po::value<std::string>()->default_value("effective")->value_name("effective|headline|none"),
       "power-bill refunds: the effective refund the site data records (default), the headline 'up to' figure "
       "published beside it (e.g. western China's 50%), or none")
      ("rent", po::bool_switch(), "rent every chip at its market rent (hw_specs/cost rent table) instead of buying")
      ("load-factor", po::value<double>()->default_value(0.8, "0.8")->value_name("F"), "average chip power as a share of TDP")
      ("rent-usd-per-chip-hour", po::value<double>()->value_name("USD"), "rent chips at this price (power included) instead of buying")
      ("serving-years", po::value<double>()->default_value(1)->value_name("Y"), "horizon over which serving fleets are priced")
      ("verbose", po::bool_switch(), "let the MILP solver (COIN-OR CBC) print its log to standard output");
}

bool check_bound(Context& ctx, const char* name, double value, double lo, double hi) {
  if (std::isfinite(value) && value >= lo && value <= hi) return true;
  ctx.err << fmt::format("clusterplan: --{}: expected a number from {} to {}, got {}\n", name, lo, hi, value);
  return false;
}

namespace {

// A workload given twice (the same file, or two files with one name) would be
// planned twice with its totals doubled: an input error naming both files.
bool check_not_duplicate(const workload::Workload& w, const std::string& file,
                         const std::vector<workload::Workload>& earlier, const std::vector<std::string>& files,
                         util::Diagnostics& diagnostics) {
  const auto same_file = [&](const std::string& other) {
    return std::filesystem::path(other).lexically_normal() == std::filesystem::path(file).lexically_normal();
  };
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    if (same_file(files[i])) {
      diagnostics.error(file, "", fmt::format("the workload file is given twice (also as {}); each workload is planned "
                                              "once: give it once",
                                              files[i]));
      return false;
    }
    if (earlier[i].name == w.name) {
      diagnostics.error(file, "/name",
                        fmt::format("workload \"{}\" is also the name of the workload in {}; each workload is planned "
                                    "once: drop one file or rename one workload",
                                    w.name, files[i]));
      return false;
    }
  }
  return true;
}

// The finance options given on the command line, over the cost model's defaults.
bool read_finance_options(Context& ctx, cost::Assumptions& a) {
  struct Option {
    const char* name;
    double* target;
    double lo, hi;
  };
  const Option options[] = {{"cost-of-capital", &a.cost_of_capital, 0, 1},
                            {"maintenance-share", &a.opex.maintenance_share_per_year, 0, 1},
                            {"staff-per-mw", &a.opex.operations_staff_per_mw, 0, 100},
                            {"staff-usd-per-year", &a.opex.staff_usd_per_year, 0, 1e7},
                            {"software-usd-per-chip-year", &a.opex.software_usd_per_chip_year, 0, 1e5},
                            {"insurance-tax-share", &a.opex.insurance_tax_share_per_year, 0, 1},
                            {"spares-share", &a.opex.spares_share_per_year, 0, 1},
                            {"residual-share", &a.residual_share, 0, 1},
                            {"serving-utilisation", &a.serving_utilisation, 0.01, 1},
                            {"host-typical-share", &a.host_typical_share, 0.05, 1}};
  for (const auto& o : options) {
    if (!ctx.vm.count(o.name)) continue;
    *o.target = ctx.vm[o.name].as<double>();
    if (!check_bound(ctx, o.name, *o.target, o.lo, o.hi)) return false;
  }
  return true;
}

}  // namespace

bool read_request(Context& ctx, const specs::Catalog& catalog, const std::vector<std::string>& workload_files,
                  Loaded& loaded, search::PlanRequest& request) {
  util::Diagnostics diagnostics;
  std::vector<std::string> loaded_from;  // file of each loaded workload
  for (const auto& file : workload_files) {
    auto w = workload::load_workload(ctx.fs, file, diagnostics);
    if (!w) continue;
    if (!check_not_duplicate(*w, file, loaded.workloads, loaded_from, diagnostics)) continue;
    loaded.workloads.push_back(std::move(*w));
    loaded_from.push_back(file);
  }
  // A workload's own chips and sites must exist.
  const auto chip_ids = catalog.chip_ids();
  const auto site_ids = catalog.site_ids();
  for (const auto& w : loaded.workloads) workload::check_workload_ids(w, chip_ids, site_ids, diagnostics);
  loaded.policies = policy::load_policies(ctx.fs, ctx.data_paths, diagnostics);
  policy::check_chip_ids(loaded.policies, catalog.accelerator_ids(), diagnostics);
  if (!diagnostics.empty()) {
    ctx.err << diagnostics.str();
    return false;
  }
  request.workloads = loaded.workloads;
  const auto& vm = ctx.vm;
  if (vm.count("chips") && !read_ids_option(ctx, "chips", request.chips)) return false;
  request.buyer.country = vm["buyer"].as<std::string>();
  request.buyer.state_funded = vm["state-funded"].as<bool>();
  if (!util::is_country_code(request.buyer.country)) {
    ctx.err << fmt::format(
        "clusterplan: --buyer: expected an ISO 3166-1 alpha-2 country code such as US or CN, got \"{}\"{}\n",
        request.buyer.country, util::country_code_hint(request.buyer.country));
    return false;
  }
  const auto& licences = vm["licences"].as<std::string>();
  if (licences != "grant" && licences != "deny") {
    ctx.err << fmt::format("clusterplan: --licences: expected grant or deny, got \"{}\"\n", licences);
    return false;
  }
  request.licences_granted = licences == "grant";
  if (vm.count("policy")) {
    const auto& id = vm["policy"].as<std::string>();
    if (id != "none") {
      request.scenario = loaded.policies.find(id);
      if (!request.scenario) {
        auto ids = loaded.policies.scenario_ids();
        // "none" is always known; a data set may also define a scenario of that id (the bundled one does).
        std::vector<std::string> known = {"none"};
        for (const auto& k : ids)
          if (k != "none") known.push_back(k);
        ctx.err << fmt::format("clusterplan: --policy: no scenario \"{}\"{}; known: {}\n", id,
                               util::did_you_mean(id, known), fmt::join(known, ", "));
        return false;
      }
    }
  } else {
    request.scenario = loaded.policies.default_scenario();
  }
  const auto& objective = vm["objective"].as<std::string>();
  if (objective == "job-cost" || objective == "tco") request.objective = search::Objective::job_cost;
  else if (objective == "lifetime-tco") request.objective = search::Objective::lifetime_tco;
  else if (objective == "time") request.objective = search::Objective::time;
  else if (objective == "energy") request.objective = search::Objective::energy;
  else if (objective == "carbon") request.objective = search::Objective::carbon;
  else {
    ctx.err << fmt::format(
        "clusterplan: --objective: expected job-cost, lifetime-tco, time, energy or carbon, got \"{}\"\n", objective);
    return false;
  }
  auto& a = request.assumptions;
  if (catalog.cost_model) a = cost::from_data(*catalog.cost_model);
  a.chip_life_years = vm["chip-life-years"].as<double>();
  a.building_life_years = vm["building-life-years"].as<double>();
  a.load_factor = vm["load-factor"].as<double>();
  a.carbon_usd_per_tco2 = vm["carbon-usd-per-tco2"].as<double>();
  a.market_rent = vm["rent"].as<bool>();
  const auto& subsidies = vm["subsidies"].as<std::string>();
  if (subsidies == "headline") a.subsidies = cost::SubsidyScenario::headline;
  else if (subsidies == "none") a.subsidies = cost::SubsidyScenario::none;
  else if (subsidies != "effective") {
    ctx.err << fmt::format("clusterplan: --subsidies: expected effective, headline or none, got \"{}\"\n", subsidies);
    return false;
  }
  request.serving_years = vm["serving-years"].as<double>();
  request.verbose_solver = vm["verbose"].as<bool>();
  bool ok = check_bound(ctx, "chip-life-years", a.chip_life_years, 0.5, 30) &&
            check_bound(ctx, "building-life-years", a.building_life_years, 1, 100) &&
            check_bound(ctx, "load-factor", a.load_factor, 0.05, 1) &&
            check_bound(ctx, "serving-years", request.serving_years, 0.01, 30) &&
            check_bound(ctx, "carbon-usd-per-tco2", a.carbon_usd_per_tco2, 0, 10000) && read_finance_options(ctx, a);
  if (vm.count("rent-usd-per-chip-hour")) {
    a.rental_usd_per_chip_hour = vm["rent-usd-per-chip-hour"].as<double>();
    ok = ok && check_bound(ctx, "rent-usd-per-chip-hour", *a.rental_usd_per_chip_hour, 0.01, 1000);
  }
  request.batch_tolerance = vm["batch-tolerance"].as<double>();
  ok = ok && check_bound(ctx, "batch-tolerance", request.batch_tolerance, 0, perf::kMaxBatchTolerance);
  if (vm.count("deadline-days")) {
    request.deadline_days = vm["deadline-days"].as<double>();
    // The bounds of a workload's deadline_days: one set for the file and the flag.
    ok = ok && check_bound(ctx, "deadline-days", *request.deadline_days, workload::bounds::kDeadlineDays.min,
                           workload::bounds::kDeadlineDays.max);
  }
  if (vm.count("budget-usd")) {
    request.budget_usd = vm["budget-usd"].as<double>();
    ok = ok && check_bound(ctx, "budget-usd", *request.budget_usd, 1, 1e13);
  }
  if (vm.count("max-mw")) {
    request.max_mw = vm["max-mw"].as<double>();
    ok = ok && check_bound(ctx, "max-mw", *request.max_mw, 0.001, 1e6);
  }
  return ok;
}

namespace {

int run_plan(Context& ctx, bool compare) {
  const auto* catalog = ctx.sizing_catalog(/*needs_sites=*/true);
  if (!catalog) return kExitUsage;
  Loaded loaded;
  search::PlanRequest request;
  const auto files = compare ? std::vector<std::string>{ctx.vm["workload"].as<std::string>()}
                             : ctx.vm["workloads"].as<std::vector<std::string>>();
  if (!read_request(ctx, *catalog, files, loaded, request)) return kExitUsage;
  if (compare) {
    request.serve_where_users_are = false;
    if (ctx.vm.count("site")) {
      const auto& id = ctx.vm["site"].as<std::string>();
      if (!catalog->find_site(id)) {  // named here, not as make_plan's "--sites"
        ctx.err << fmt::format("clusterplan compare: --site: no site \"{}\"{}\n", id,
                               util::did_you_mean(id, catalog->site_ids()));
        return kExitUsage;
      }
      request.sites = {id};
    } else {  // the buyer's home site with the cheapest power
      const specs::Site* home = nullptr;
      for (const auto& s : catalog->sites)
        if (s.country == request.buyer.country &&
            (!home || s.electricity_usd_per_kwh.value < home->electricity_usd_per_kwh.value))
          home = &s;
      if (!home) {
        ctx.err << fmt::format("clusterplan compare: no site in {}; name one with --site\n", request.buyer.country);
        return kExitUsage;
      }
      request.sites = {home->id};
    }
  } else if (ctx.vm.count("sites")) {
    if (!read_ids_option(ctx, "sites", request.sites)) return kExitUsage;
  }
  std::vector<std::string> problems;
  request.sizing_cache = search::make_sizing_cache();  // shared with the break-even search
  const auto result = search::make_plan(*catalog, request, problems);
  if (!problems.empty()) {
    for (const auto& p : problems) ctx.err << "clusterplan: " << p << "\n";
    return kExitUsage;
  }
  const auto break_even = search::break_evens(*catalog, request, result);
  const report::PlanHeader header{request.buyer.country, request.buyer.state_funded,
                                  std::string(search::to_string(request.objective))};
  if (compare) {
    if (ctx.format == Format::json) {
      auto doc = report::compare_json(request, result, header);
      doc["break_even"] = report::break_even_json(break_even);
      print_json(ctx.out, doc);
    } else if (ctx.format == Format::table) {
      ctx.out << report::compare_table(request, result, header) << report::break_even_text(break_even);
    } else {
      return print_document(ctx, report::compare_document(request, result, header, break_even));
    }
    return kExitOk;
  }
  if (ctx.format == Format::json) {
    auto doc = report::plan_json(request, result, header);
    doc["break_even"] = report::break_even_json(break_even);
    print_json(ctx.out, doc);
  } else if (ctx.format == Format::table) {
    ctx.out << report::plan_table(request, result, header) << report::break_even_text(break_even);
  } else if (const int code = print_document(ctx, report::plan_document(request, result, header, break_even));
             code != kExitOk) {
    return code;
  }
  if (!result.feasible) {
    if (ctx.format != Format::table && ctx.format != Format::markdown) ctx.err << report::plan_table(request, result, header);
    return kExitInfeasible;
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> plan_commands() {
  Command plan{"plan", "WORKLOAD...",
               "size a data centre: chips, count, layout and site per workload at the least TCO (or time, energy, carbon)",
               "Every admissible chip type and site is sized (training: the fewest chips that meet the deadline; "
               "serving: replicas at the SLO) and priced; a mixed-integer program (COIN-OR CBC) then chooses counts "
               "per chip and site under per-customer caps, country quotas, power per site and budget. Exits 1 when "
               "no plan meets the request, naming what binds, by how much, and the ways out.",
               {Format::table, Format::json, Format::csv, Format::markdown, Format::xlsx},
               [](po::options_description& desc, po::positional_options_description& positional) {
                 desc.add_options()
                     ("workloads", po::value<std::vector<std::string>>()->required()->value_name("WORKLOAD"), "workload files")
                     ("sites", po::value<std::string>()->value_name("IDS"), "site ids, comma-separated (default: every site)")
                     ("budget-usd", po::value<double>()->value_name("USD"), "capital budget for the whole plan")
                     ("max-mw", po::value<double>()->value_name("MW"), "facility power for the whole plan");
                 add_policy_and_cost_options(desc);
                 positional.add("workloads", -1);
               },
               [](Context& ctx) { return run_plan(ctx, false); }};
  plan.sites_are_ids = true;
  Command compare{"compare", "WORKLOAD",
                  "domestic vs imported chips: what each costs for the same work at one site, under the rules that apply",
                  "One row per chip type: domestic or imported for this buyer at this site, allowed under the policy "
                  "(and why not), chips needed, layout, MW, capex, energy per year with and without subsidy, TCO, USD "
                  "per run or per million tokens, and time. --site defaults to the buyer's home site with the cheapest power.",
                  {Format::table, Format::json, Format::csv, Format::markdown, Format::xlsx},
                  [](po::options_description& desc, po::positional_options_description& positional) {
                    desc.add_options()
                        ("workload", po::value<std::string>()->required()->value_name("WORKLOAD"), "workload file")
                        ("site", po::value<std::string>()->value_name("ID"), "the site to compare at");
                    add_policy_and_cost_options(desc);
                    positional.add("workload", 1);
                  },
                  [](Context& ctx) { return run_plan(ctx, true); }};
  return {plan, compare};
}

}  // namespace planner::cli
