// report WORKLOAD... -o FILE: the plan as one self-contained HTML page with
// charts, for people who decide.

#include <algorithm>
#include <fstream>
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/plan_options.h"
#include "report/html_report.h"
#include "search/break_even.h"
#include "search/frontier.h"
#include "search/plan.h"
#include "search/sweep.h"
#include "search/tornado.h"

namespace planner::cli {

namespace {

// Points of the cost-against-deadline frontier: half to twice the deadline.
constexpr int kDeadlinePoints = 7;

// The deadline the plan used for its training workloads.
double base_deadline_days(const search::PlanRequest& r) {
  if (r.deadline_days) return *r.deadline_days;
  for (const auto& w : r.workloads)
    if (w.kind == workload::Kind::training && w.training.deadline_days) return *w.training.deadline_days;
  return search::kDefaultDeadlineDays;
}

std::vector<search::SweepOutcome> deadline_frontier(const specs::Catalog& catalog, const search::PlanRequest& r,
                                                    int threads) {
  const bool training = std::any_of(r.workloads.begin(), r.workloads.end(),
                                    [](const workload::Workload& w) { return w.kind == workload::Kind::training; });
  if (!training) return {};
  const double days = base_deadline_days(r);
  search::SweepAxis axis;
  if (!search::parse_axis(fmt::format("deadline={}..{}:{}", days / 2, std::min(days * 2, 3650.0), kDeadlinePoints), axis)
           .empty())
    return {};
  search::SweepOptions options;
  options.threads = threads;
  return search::run_sweep(catalog, r, {axis}, 0, kDeadlinePoints, options);
}

std::string command_line(const Context& ctx) {
  std::string out = "clusterplan report";
  for (const auto& w : ctx.vm["workloads"].as<std::vector<std::string>>()) out += " " + w;
  return out + " ...";
}

int run_report(Context& ctx) {
  const auto* catalog = ctx.catalog();
  if (!catalog) return kExitUsage;
  Loaded loaded;
  search::PlanRequest request;
  if (!read_request(ctx, *catalog, ctx.vm["workloads"].as<std::vector<std::string>>(), loaded, request)) return kExitUsage;
  if (ctx.vm.count("sites")) request.sites = split_ids(ctx.vm["sites"].as<std::string>());
  const auto& path = ctx.vm["output"].as<std::string>();
  std::ofstream file(path);
  if (!file) {
    ctx.err << fmt::format("clusterplan report: -o: cannot write {}\n", path);
    return kExitUsage;
  }
  request.sizing_cache = search::make_sizing_cache();
  std::vector<std::string> problems;
  const auto plan = search::make_plan(*catalog, request, problems);
  if (!problems.empty()) {
    for (const auto& p : problems) ctx.err << "clusterplan: " << p << "\n";
    return kExitUsage;
  }
  const int threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  report::ReportInput in;
  in.catalog = catalog;
  in.request = &request;
  in.plan = &plan;
  in.header = {request.buyer.country, request.buyer.state_funded, std::string(search::to_string(request.objective))};
  if (plan.feasible) {
    in.break_even = search::break_evens(*catalog, request, plan);
    if (!ctx.vm["no-tornado"].as<bool>()) in.tornado = search::tornado(*catalog, request, plan, threads);
  }
  in.deadlines = deadline_frontier(*catalog, request, threads);
  in.serving = search::plan_frontiers(*catalog, request, plan);
  in.generated_by = command_line(ctx);
  file << report::html_report(in);
  if (!file.flush()) {
    ctx.err << fmt::format("clusterplan report: -o: cannot write {}\n", path);
    return kExitUsage;
  }
  ctx.out << fmt::format("wrote {}{}\n", path, plan.feasible ? "" : " (no plan meets the request: the page says why)");
  return plan.feasible ? kExitOk : kExitInfeasible;
}

}  // namespace

std::vector<Command> report_commands() {
  Command report{"report", "WORKLOAD... -o FILE",
                 "the plan as one self-contained HTML page with charts, for people who decide",
                 "Makes the plan as `plan` does, with the same options, and writes one HTML file that needs no network "
                 "and no JavaScript and prints well: the chosen plan and what binds it, the runner-up and its margin, "
                 "domestic vs imported chips, stacked cost bars per chip type, the chosen chip at every site, cost "
                 "against deadline (training: the plan re-made at 7 deadlines from half to twice the deadline) or the "
                 "throughput-interactivity frontier of the chosen chip (serving, as `estimate --frontier`), a "
                 "tornado of the inputs that move the cost most (as `sweep --tornado`), the break-evens, the "
                 "assumptions and every source. scripts/render_report.sh turns it into a PNG with headless Chromium. "
                 "Exits 1 (after writing the page) when no plan meets the request.",
                 {},
                 [](po::options_description& desc, po::positional_options_description& positional) {
                   desc.add_options()
                       ("workloads", po::value<std::vector<std::string>>()->required()->value_name("WORKLOAD"), "workload files")
                       ("output,o", po::value<std::string>()->required()->value_name("FILE"), "the HTML file to write")
                       ("no-tornado", po::bool_switch(), "leave the tornado out (it re-makes the plan twice per input)")
                       ("sites", po::value<std::string>()->value_name("IDS"), "site ids, comma-separated (default: every site)")
                       ("budget-usd", po::value<double>()->value_name("USD"), "capital budget for the whole plan")
                       ("max-mw", po::value<double>()->value_name("MW"), "facility power for the whole plan");
                   add_policy_and_cost_options(desc);
                   positional.add("workloads", -1);
                 },
                 [](Context& ctx) { return run_report(ctx); }};
  report.sites_are_ids = true;
  return {report};
}

}  // namespace planner::cli
