#include "report/explain_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "report/candidate_text.h"
#include "report/table.h"

namespace planner::report {

using search::Candidate;
using util::Json;

std::string objective_unit(const search::PlanRequest& r, const Candidate& c) {
  switch (r.objective) {
    case search::Objective::job_cost: return "usd";
    case search::Objective::lifetime_tco: return "usd";
    case search::Objective::time: return is_training(r, c) ? "days" : "usd";
    case search::Objective::energy: return "mwh";
    case search::Objective::carbon: return "tco2";
  }
  return "usd";
}

namespace {

Json site_json(const search::PlanRequest& r, const Candidate& c) {
  Json out = {{"site", c.site}, {"site_country", c.site_country}, {"usable", c.usable}, {"count", c.count},
              {"why_not", c.why_not}, {"held_by", c.held_by}};
  if (c.count > 0) {
    out["objective"] = c.objective;
    out["capex_usd"] = c.cost.capex_usd;
    out["energy_usd_per_year"] = c.cost.energy_usd_per_year;
    out["tco_usd"] = c.cost.tco_usd;
    out["job_cost_usd"] = c.cost.job_cost_usd;
    out["power_mw"] = c.cost.power_mw;
    out["usd_per_million_tokens"] = c.usd_per_million_tokens;
    if (is_training(r, c)) out["days"] = c.days;
    else out["output_tokens_per_s"] = c.output_tokens_per_s;
  }
  return out;
}

// What the runner-up is: costlier, or held out by a coupled limit.
std::string runner_up_text(const search::PlanRequest& r, const search::PlanResult& plan,
                           const search::ChoiceExplanation& e) {
  const auto& pick = plan.candidates[e.chosen];
  if (!e.runner_up) return fmt::format("{}: no other chip type is usable", workload_name(r, pick));
  const auto& ru = plan.candidates[*e.runner_up];
  const std::string head = fmt::format("{}: runner-up {}, {}", workload_name(r, pick), option_label(ru),
                                       objective_text(r, ru, ru.objective));
  if (e.margin < 0)
    return fmt::format("{}, {} ({}%) less than {} alone, held out by {}", head,
                       objective_text(r, ru, -e.margin, false), fixed(-e.margin_fraction * 100, 1), option_label(pick),
                       ru.held_by);
  return fmt::format("{}: {} ({}%) more than {}", head, objective_text(r, ru, e.margin, false),
                     fixed(e.margin_fraction * 100, 1), option_label(pick));
}

}  // namespace

std::string option_label(const Candidate& c) { return chip_label(c) + " at " + c.site; }

std::string objective_text(const search::PlanRequest& r, const Candidate& c, double value, bool named) {
  const std::string unit = objective_unit(r, c);
  if (unit == "usd")
    return fixed(value / 1e6, 1) +
           (!named ? " M$" : r.objective == search::Objective::lifetime_tco ? " M$ lifetime TCO" : " M$ job cost");
  if (unit == "days") return fixed(value, 1) + " days";
  if (unit == "mwh") return grouped(value) + " MWh";
  return grouped(value) + " tCO2";
}

Json explanations_json(const search::PlanRequest& r, const search::PlanResult& plan) {
  Json out = Json::array();
  for (const auto& e : search::explain_choices(plan)) {
    const auto& pick = plan.candidates[e.chosen];
    Json x = {{"workload", workload_name(r, pick)}, {"chip", pick.chip},          {"system", pick.system},
              {"site", pick.site},                 {"objective", pick.objective}, {"objective_unit", objective_unit(r, pick)}};
    if (e.runner_up) {
      const auto& ru = plan.candidates[*e.runner_up];
      x["runner_up"] = {{"chip", ru.chip}, {"system", ru.system}, {"site", ru.site}, {"objective", ru.objective},
                        {"count", ru.count}, {"tco_usd", ru.cost.tco_usd}, {"held_by", ru.held_by}};
      x["margin"] = e.margin;
      x["margin_fraction"] = e.margin_fraction;
    } else {
      x["runner_up"] = nullptr;
    }
    Json sites = Json::array();
    for (const auto i : e.sites) sites.push_back(site_json(r, plan.candidates[i]));
    x["sites"] = std::move(sites);
    out.push_back(std::move(x));
  }
  return out;
}

std::string explanations_table(const search::PlanRequest& r, const search::PlanResult& plan) {
  std::string out;
  for (const auto& e : search::explain_choices(plan)) {
    const auto& pick = plan.candidates[e.chosen];
    const bool training = is_training(r, pick);
    out += "\n" + runner_up_text(r, plan, e) + "\n";
    out += fmt::format("{} for {} at every site:\n", chip_label(pick), workload_name(r, pick));
    Table t;
    t.add_column("SITE", Align::left);
    for (const char* col : {"COUNT", "MW", "CAPEX M$", "ENERGY M$/yr", "JOB M$", training ? "DAYS" : "OUT TOK/S", "$/M TOK"})
      t.add_column(col);
    t.add_column("NOTE", Align::left);
    for (const auto i : e.sites) {
      const auto& c = plan.candidates[i];
      const bool sized = c.count > 0;
      auto num = [&](const std::string& text) { return sized ? text : std::string("-"); };
      const bool chosen = std::any_of(plan.chosen.begin(), plan.chosen.end(),
                                      [&](const search::Chosen& ch) { return ch.candidate == i; });
      const std::string note = chosen ? "chosen" : !c.usable ? c.why_not : !c.held_by.empty() ? "held out by " + c.held_by : "";
      t.add_row({c.site, num(grouped(static_cast<double>(c.count))), num(fixed(c.cost.power_mw, 1)),
                 num(fixed(c.cost.capex_usd / 1e6, 1)), num(fixed(c.cost.energy_usd_per_year / 1e6, 1)),
                 num(fixed(c.cost.job_cost_usd / 1e6, 1)), num(training ? fixed(c.days, 1) : grouped(c.output_tokens_per_s)),
                 num(fixed(c.usd_per_million_tokens, 3)), note});
    }
    out += t.render();
  }
  return out;
}

}  // namespace planner::report
