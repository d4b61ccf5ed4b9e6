#include "search/explain.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "perf/hardware.h"
#include "util/json_reader.h"

namespace planner::search {

namespace {

std::string grouped(double value) { return util::format_count(value); }

// The total time an explanation may take, seconds.
constexpr double kExplainSeconds = 20;
// The command line's own bounds (cli/cmd_plan.cpp): ways out stay inside them.
constexpr double kMaxBudgetUsd = 1e13;
constexpr double kMaxPlanMw = 1e6;
constexpr double kMaxDeadlineDays = 3650;

// One limit that binds: by how much the cheapest plan without `without`
// breaks it, and for the request's own limits the value that would admit it.
void report_binding(const FleetConstraint& c, double load, std::string_view without, PlanResult& out) {
  const auto amount = [&](double v) { return limit_amount(c, v); };
  out.binding.push_back(fmt::format("{}: limit {} {}; the cheapest plan without {} needs {} ({} over)", c.text,
                                    amount(c.limit), c.unit, without, amount(load), amount(load - c.limit)));
  // Within the options' own bounds (--budget-usd up to 1e13, --max-mw up to 1e6).
  if (c.kind == LimitKind::budget && std::ceil(load) <= kMaxBudgetUsd) {
    const double usd = std::ceil(load);
    out.way_out_changes.push_back({fmt::format("raise --budget-usd to {:.0f}", usd), usd, {}, {}, {}});
  } else if (c.kind == LimitKind::max_mw && std::ceil(load * 10) / 10 <= kMaxPlanMw) {
    const double mw = std::ceil(load * 10) / 10;
    out.way_out_changes.push_back({fmt::format("raise --max-mw to {:.1f}", mw), {}, mw, {}, {}});
  }
}

// A later deadline, as a way out, only when it extends the request's and lies
// within --deadline-days' bounds.
void propose_deadline(const PlanRequest& request, const workload::Workload& w, double days, std::string text,
                      PlanResult& out) {
  if (days <= deadline_of(request, w) || days > kMaxDeadlineDays) return;
  out.way_out_changes.push_back({std::move(text), {}, {}, days, {}});
}

}  // namespace

// For each option left out although alone it beats what was chosen for its
// workload, the coupled limit that kept it out: the first it would break on
// its own, else the limits it shares with the chosen options.
void explain_unchosen(const Model& m, const std::vector<long long>& steps, std::vector<Candidate>& candidates) {
  const auto& options = m.problem.options;
  std::vector<double> chosen_objective(m.problem.demand.size(), 0.0);
  for (std::size_t o = 0; o < options.size(); ++o)
    chosen_objective[static_cast<std::size_t>(options[o].workload)] +=
        options[o].objective_per_step * static_cast<double>(steps[o]);
  for (std::size_t o = 0; o < options.size(); ++o) {
    auto& cand = candidates[m.option_candidate[o]];
    if (steps[o] > 0 || cand.objective >= chosen_objective[static_cast<std::size_t>(cand.workload)]) continue;
    std::vector<long long> alone(options.size(), 0);
    alone[o] = options[o].max_steps;
    for (const auto& c : m.problem.constraints) {
      const double load = constraint_load(c, alone);
      if (load > c.limit) {
        cand.held_by = fmt::format("{}: needs {} of {} {}", c.text, limit_amount(c, load), limit_amount(c, c.limit),
                                   c.unit);
        break;
      }
    }
    if (cand.held_by.empty()) cand.held_by = "limits shared with the chosen options (caps, site power, budget)";
  }
}

// Why an infeasible plan is infeasible, and the cheapest ways out.
void explain(const specs::Catalog& catalog, const PlanRequest& request, const Model& m, PlanResult& out) {
  const auto& candidates = out.candidates;
  bool workload_blocked = false;
  for (std::size_t w = 0; w < request.workloads.size(); ++w) {
    const bool any = std::any_of(m.problem.options.begin(), m.problem.options.end(),
                                 [&](const FleetOption& o) { return o.workload == static_cast<int>(w); });
    if (any) continue;
    workload_blocked = true;
    std::map<std::string, std::vector<std::string>> by_reason;  // reason -> chip at site
    for (const auto& c : candidates)
      if (c.workload == static_cast<int>(w)) by_reason[c.why_not].push_back(chip_label(c) + "@" + c.site);
    std::string reasons;
    for (const auto& [reason, where] : by_reason)
      reasons += fmt::format("\n    {} ({}{})", reason, where.front(),
                             where.size() > 1 ? fmt::format(" and {} more", where.size() - 1) : "");
    if (by_reason.empty())
      out.binding.push_back(fmt::format("workload {}: no site to consider: its \"sites\", --sites and the "
                                        "countries of its users leave none",
                                        request.workloads[w].name));
    else
      out.binding.push_back(
          fmt::format("workload {}: no chip at any site can run it:{}", request.workloads[w].name, reasons));
  }
  if (workload_blocked) {
    for (std::size_t w = 0; w < request.workloads.size(); ++w) {
      // The deadline that the fastest admissible chip could meet, were time the only limit.
      const Candidate* fastest = nullptr;
      for (const auto& c : candidates)
        if (c.workload == static_cast<int>(w) && c.fastest_days > 0 && c.allowed &&
            (!fastest || c.fastest_days < fastest->fastest_days))
          fastest = &c;
      if (fastest) {
        const double days = std::ceil(fastest->fastest_days * 10) / 10;
        propose_deadline(request, request.workloads[w], days,
                         fmt::format("extend the deadline of {} to {:.1f} days (--deadline-days; {} {} at {} get "
                                     "there, the fastest within {} chips, site power aside)",
                                     request.workloads[w].name, days,
                                     util::format_count(static_cast<double>(fastest->fastest_count)),
                                     chip_label(*fastest), fastest->site,
                                     util::format_count(static_cast<double>(kMaxPlanChips))),
                         out);
      }
    }
    const auto refused = std::count_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return c.verdict == policy::Verdict::licence && !c.allowed && c.count > 0;
    });
    if (refused > 0)
      out.way_out_changes.push_back({fmt::format("assume case-by-case licences are granted (--licences grant): {} chip "
                                                 "and site {}",
                                                 refused, refused == 1 ? "option needs one" : "options need one"),
                                     {}, {}, {}, true});
    out.hints.push_back("a later deadline, more chips (a larger --budget-usd or --max-mw), other chips (--chips), "
                        "other sites (--sites) or another --policy scenario");
    return;
  }
  // Drop one coupled constraint at a time: those whose removal makes the plan
  // feasible bind; the relaxed optimum says by how much.
  // The whole explanation stops after kExplainSeconds (1,500 site-power rows
  // would otherwise be 1,500 solves of up to 10 s each).
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  // Whole-plan limits (budget, --max-mw, policy caps) first, then each site's
  // power: with thousands of sites the time budget goes to the few limits
  // that bind a whole plan before it goes to the sites one by one.
  std::vector<std::size_t> order(m.problem.constraints.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(),
                        [&](std::size_t i) { return m.problem.constraints[i].kind != LimitKind::site_power; });
  for (std::size_t tried = 0; tried < order.size(); ++tried) {
    const std::size_t k = order[tried];
    if (elapsed() > kExplainSeconds) {
      out.binding.push_back(fmt::format("(the explanation stopped after {:.0f} s: {} of {} limits tried, every "
                                        "whole-plan limit first)",
                                        kExplainSeconds, tried, m.problem.constraints.size()));
      break;
    }
    FleetProblem relaxed = m.problem;
    relaxed.constraints.erase(relaxed.constraints.begin() + static_cast<std::ptrdiff_t>(k));
    const auto solution =
        solve_fleet(relaxed, {std::clamp(kExplainSeconds - elapsed(), 0.1, kFleetSolveSeconds), false});
    if (!solution.feasible) continue;
    const auto& c = m.problem.constraints[k];
    const double load = constraint_load(c, solution.steps);
    report_binding(c, load, "it", out);
    // Ways out for each workload the relaxed plan serves beyond the limit.
    for (const auto& [option, coefficient] : c.terms) {
      if (solution.steps[static_cast<std::size_t>(option)] == 0 || coefficient <= 0) continue;
      const auto& cand = candidates[m.option_candidate[static_cast<std::size_t>(option)]];
      const auto& w = request.workloads[static_cast<std::size_t>(cand.workload)];
      if (w.kind != workload::Kind::training) continue;
      // How long the job takes with only as many chips as the limit leaves.
      const double per_chip = coefficient / static_cast<double>(cand.step_chips);
      const auto choice = choose_chip(catalog, cand.system.empty() ? cand.chip : cand.system);
      perf::HardwareProblem problem;
      const auto hw = perf::make_hardware(catalog, cand.system.empty() ? cand.chip : cand.system, cand.precision, problem);
      if (!choice || !hw || per_chip <= 0) continue;
      const auto allowed = static_cast<long long>(std::floor(c.limit / per_chip)) / choice->step * choice->step;
      if (allowed < choice->step) continue;
      // The fastest the job runs on as many chips as the limit leaves.
      const auto within = search_training(perf::make_training_model(w, request.batch_tolerance), *hw, allowed, {}, 1,
                                          std::numeric_limits<double>::infinity(), Rank::days);
      if (!within.best.empty()) {
        const double days = std::ceil(within.best.front().estimate.days);
        propose_deadline(request, w, days,
                         fmt::format("extend the deadline to {:.0f} days (--deadline-days): {} {} at {} stay within "
                                     "the limit",
                                     days,
                                     grouped(static_cast<double>(
                                         bought_chips(within.best.front().layout.chips(), choice->step))),
                                     chip_label(cand), cand.site),
                         out);
      }
    }
    if (c.kind == LimitKind::policy_cap && !request.chips.empty())
      out.hints.push_back("chips this limit does not count: name them in --chips, or drop --chips to let the "
                          "planner choose among every system");
  }
  // Options the limits shut out, cheapest first, as alternatives.
  std::vector<const Candidate*> others;
  for (const auto& c : candidates)
    if (!c.usable && c.count > 0 && c.verdict != policy::Verdict::banned) others.push_back(&c);
  std::sort(others.begin(), others.end(), [](const Candidate* a, const Candidate* b) { return a->objective < b->objective; });
  for (std::size_t i = 0; i < std::min<std::size_t>(2, others.size()); ++i)
    out.hints.push_back(fmt::format("{} {} at {} ({}) would do the work alone but is ruled out: {}", grouped(static_cast<double>(others[i]->count)),
                                       chip_label(*others[i]), others[i]->site, others[i]->domestic ? "domestic" : "imported",
                                       others[i]->why_not));
  if (out.binding.empty()) {
    // No one limit is to blame: say what the cheapest plan under none of them breaks.
    FleetProblem unlimited = m.problem;
    unlimited.constraints.clear();
    const auto solution = solve_fleet(unlimited, {std::clamp(kExplainSeconds - elapsed(), 0.1, kFleetSolveSeconds), false});
    const std::size_t first_change = out.way_out_changes.size();
    if (solution.feasible)
      for (const auto& c : m.problem.constraints) {
        const double load = constraint_load(c, solution.steps);
        if (load > c.limit) report_binding(c, load, "any limit", out);
      }
    // No one of these raises is enough alone; all of them together admit the
    // cheapest plan under no limit (checked with the rest).
    if (out.way_out_changes.size() - first_change >= 2) {
      WayOut together;
      std::vector<std::string> parts;
      for (std::size_t i = first_change; i < out.way_out_changes.size(); ++i) {
        const auto& w = out.way_out_changes[i];
        if (w.budget_usd) together.budget_usd = w.budget_usd;
        if (w.max_mw) together.max_mw = w.max_mw;
        parts.push_back(w.text.substr(w.text.find("--")));
      }
      together.text = fmt::format("raise {} together", fmt::join(parts, " and "));
      out.way_out_changes.push_back(std::move(together));
    }
    out.binding.insert(out.binding.begin(),
                       "the limits together exclude every combination; no single limit is to blame");
  }
}


}  // namespace planner::search
