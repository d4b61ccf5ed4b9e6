// sweep WORKLOAD... --vary KEY=LO..HI:N: the plan re-made over a grid of
// inputs, on every core, one row per point.

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/plan_options.h"
#include "report/sweep_document.h"
#include "report/sweep_report.h"
#include "search/sweep.h"
#include "search/tornado.h"
#include "util/json_reader.h"
#include "util/spellcheck.h"

namespace planner::cli {

namespace {

// The command's help paragraph with a table of the keys --vary takes.
const std::string& sweep_details() {
  static const std::string text = [] {
    std::string out =
        "Plans the workloads as `plan` does at every point of a grid: each --vary gives one input N evenly spaced "
        "values from LO to HI (KEY=V is one value), and the grid is every combination (the last --vary varies "
        "fastest). Points run on --threads cores; rows come out in grid order whatever the thread count. --shard "
        "K/N runs the K-th of N contiguous slices, so a scheduler can spread a large sweep over machines: the "
        "slices' outputs, concatenated in order, are the whole grid's (CSV writes its header with the first slice "
        "only; JSON is one object per line, JSON Lines). A point with no feasible plan is a row with its first "
        "binding limit; the command exits 0.\n\n--tornado takes no grid: it makes the best plan, then moves each "
        "uncertain input of it alone to the low and the high end of its range (an estimate's recorded range, the "
        "spread of published alternatives, or +/-20% where the data has neither, as the BASIS column says), "
        "re-plans, and ranks the inputs by how far the plan's TCO moves.\n\nKeys (unit, range):\n";
    std::size_t width = 0;
    for (const auto& k : search::sweep_keys()) width = std::max(width, k.name.size());
    for (const auto& k : search::sweep_keys())
      out += fmt::format("  {:<{}}  {} ({}, {} to {})\n", k.name, width, k.meaning, k.unit, util::format_number(k.min),
                         util::format_count(k.max));
    return out;
  }();
  return text;
}

// A progress bar on stderr, only on a terminal and only once a sweep has run
// for a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void operator()(long long done, long long total) {
    if (!enabled_) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (seconds < 1 && done < total) return;
    if (seconds < 1 && !shown_) return;
    shown_ = true;
    constexpr int kWidth = 40;
    const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
    std::cerr << fmt::format("\r[{:<{}}] {}/{} points, {:.0f} s", std::string(static_cast<std::size_t>(filled), '#'),
                             kWidth, done, total, seconds)
              << (done == total ? "\n" : "") << std::flush;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

// --tornado: the base plan, then each uncertain input of its choice moved alone.
int run_tornado(Context& ctx, const specs::Catalog& catalog, search::PlanRequest request, int threads) {
  request.sizing_cache = search::make_sizing_cache();
  std::vector<std::string> problems;
  const auto base = search::make_plan(catalog, request, problems);
  if (!problems.empty()) {
    for (const auto& p : problems) ctx.err << "clusterplan: " << p << "\n";
    return kExitUsage;
  }
  if (!base.feasible) {
    ctx.err << "clusterplan sweep --tornado: no plan meets the request, so there is nothing to vary";
    if (!base.binding.empty()) ctx.err << ": " << base.binding.front();
    ctx.err << "\n";
    return kExitInfeasible;
  }
  const auto bars = search::tornado(catalog, request, base, threads);
  if (ctx.format == Format::json) print_json(ctx.out, report::tornado_json(bars, base.total_tco_usd));
  else if (ctx.format == Format::csv) ctx.out << report::tornado_csv(bars, base.total_tco_usd);
  else if (ctx.format == Format::xlsx) return print_data(ctx, report::tornado_json(bars, base.total_tco_usd));
  else ctx.out << report::tornado_table(bars, base.total_tco_usd);
  return kExitOk;
}

int run_sweep(Context& ctx) {
  const auto* catalog = ctx.sizing_catalog(/*needs_sites=*/true);
  if (!catalog) return kExitUsage;
  const auto& vm = ctx.vm;
  const bool tornado = vm["tornado"].as<bool>();
  if (!vm.count("vary") && !tornado) {
    ctx.err << "clusterplan sweep: give --vary KEY=LO..HI:N (or --tornado)\n"
               "Run 'clusterplan sweep --help' for the options.\n";
    return kExitUsage;
  }
  if (vm.count("vary") && tornado) {
    ctx.err << "clusterplan sweep: --tornado moves each input over its own range; it takes no --vary\n";
    return kExitUsage;
  }
  std::vector<search::SweepAxis> axes;
  for (const auto& text : vm.count("vary") ? vm["vary"].as<std::vector<std::string>>() : std::vector<std::string>{}) {
    search::SweepAxis axis;
    if (auto problem = search::parse_axis(text, axis); !problem.empty()) {
      ctx.err << "clusterplan sweep: --vary " << problem << "\n";
      return kExitUsage;
    }
    axes.push_back(axis);
  }
  search::Shard shard;
  if (vm.count("shard"))
    if (auto problem = search::parse_shard(vm["shard"].as<std::string>(), shard); !problem.empty()) {
      ctx.err << "clusterplan sweep: --shard " << problem << "\n";
      return kExitUsage;
    }
  const int threads = vm.count("threads") ? vm["threads"].as<int>()
                                          : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  if (!check_bound(ctx, "threads", threads, 1, 256)) return kExitUsage;
  Loaded loaded;
  search::PlanRequest request;
  if (!read_request(ctx, *catalog, vm["workloads"].as<std::vector<std::string>>(), loaded, request)) return kExitUsage;
  if (vm.count("sites") && !read_ids_option(ctx, "sites", request.sites)) return kExitUsage;
  if (auto problem = search::check_axes(*catalog, request, axes); !problem.empty()) {
    ctx.err << "clusterplan sweep: --vary " << problem << "\n";
    return kExitUsage;
  }
  // Unknown chip or site ids are the request's problem, not each point's.
  const auto chip_ids = catalog->chip_ids();
  for (const auto& id : request.chips)
    if (std::find(chip_ids.begin(), chip_ids.end(), id) == chip_ids.end()) {
      ctx.err << fmt::format("clusterplan: --chips: no accelerator or system \"{}\"{}\n", id, util::did_you_mean(id, chip_ids));
      return kExitUsage;
    }
  for (const auto& id : request.sites)
    if (!catalog->find_site(id)) {
      ctx.err << fmt::format("clusterplan: --sites: no site \"{}\"{}\n", id, util::did_you_mean(id, catalog->site_ids()));
      return kExitUsage;
    }
  if (tornado) return run_tornado(ctx, *catalog, request, threads);
  const auto [first, last] = search::shard_range(search::grid_size(axes), shard);
  Progress progress(&ctx.err == &std::cerr && isatty(STDERR_FILENO));
  search::SweepOptions options;
  options.threads = threads;
  options.progress = [&](long long done, long long total) { progress(done, total); };
  const auto rows = search::run_sweep(*catalog, request, axes, first, last, options);
  if (ctx.format == Format::json) ctx.out << report::sweep_json_lines(axes, rows);
  else if (ctx.format == Format::csv) ctx.out << report::sweep_csv(axes, rows, shard.index == 1);
  else if (ctx.format == Format::xlsx) return print_document(ctx, report::sweep_document(axes, rows));
  else ctx.out << report::sweep_table(axes, rows);
  return kExitOk;
}

}  // namespace

std::vector<Command> sweep_commands() {
  Command sweep{
      "sweep", "WORKLOAD... --vary KEY=LO..HI:N",
      "re-plan over a grid of inputs (electricity, subsidy, cap, deadline, demand, prices, efficiency, cost of capital)",
      sweep_details(),
      {Format::table, Format::json, Format::csv, Format::xlsx},
      [](po::options_description& desc, po::positional_options_description& positional) {
        desc.add_options()
            ("workloads", po::value<std::vector<std::string>>()->required()->value_name("WORKLOAD"), "workload files")
            ("vary", po::value<std::vector<std::string>>()->composing()->value_name("KEY=LO..HI:N"),
             "vary an input over N values from LO to HI; repeatable (keys below)")
            ("shard", po::value<std::string>()->value_name("K/N"), "run only the K-th of N slices of the grid")
            ("tornado", po::bool_switch(),
             "instead of a grid: move each uncertain input of the best plan (chip prices, power price, PUE, refund, "
             "GEMM efficiency, cost of capital) alone over its recorded range and rank them by how far the TCO moves")
            ("threads", po::value<int>()->value_name("N"), "points planned at once (default: every core)")
            ("sites", po::value<std::string>()->value_name("IDS"), "site ids, comma-separated (default: every site)")
            ("budget-usd", po::value<double>()->value_name("USD"), "capital budget for the whole plan")
            ("max-mw", po::value<double>()->value_name("MW"), "facility power for the whole plan");
        add_policy_and_cost_options(desc);
        positional.add("workloads", -1);
      },
      [](Context& ctx) { return run_sweep(ctx); }};
  sweep.sites_are_ids = true;
  return {sweep};
}

}  // namespace planner::cli
