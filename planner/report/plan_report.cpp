#include "report/plan_report.h"

#include <fmt/format.h>

#include "report/candidate_text.h"
#include "report/cost_report.h"
#include "report/schema.h"
#include "report/explain_report.h"
#include "report/table.h"

namespace planner::report {

using search::Candidate;
using util::Json;

namespace {

std::string musd(double usd) { return fixed(usd / 1e6, 1); }

std::string allowed_text(const search::PlanResult& plan, const Candidate& c) {
  if (c.usable && over_hard_limit(plan, c)) return "over";
  switch (c.verdict) {
    case policy::Verdict::allowed: return "yes";
    case policy::Verdict::licence: return c.allowed ? "licence" : "refused";
    case policy::Verdict::banned: return "no";
  }
  return "yes";
}

Json over_limit_json(const search::PlanResult& plan, const Candidate& c) {
  Json out = Json::array();
  for (const auto& o : c.over_limits)
    out.push_back({{"id", plan.limits[o.limit].id}, {"needed", o.needed}, {"allowed_count", o.allowed_count}});
  return out;
}

// The limits candidates' over_limit[] name by id, each once.
Json limits_json(const search::PlanResult& plan) {
  Json out = Json::array();
  for (const auto& l : plan.limits)
    out.push_back({{"id", l.id}, {"text", l.text}, {"kind", std::string(search::to_string(l.kind))}, {"unit", l.unit}, {"limit", l.limit},
                   {"beyond", l.licence_beyond ? "licence" : "barred"}});
  return out;
}

Json candidate_json(const search::PlanRequest& r, const search::PlanResult& plan, const Candidate& c) {
  Json out = {{"workload", r.workloads[static_cast<std::size_t>(c.workload)].name},
              {"chip", c.chip},
              {"system", c.system},
              {"site", c.site},
              {"site_country", c.site_country},
              {"domestic", c.domestic},
              {"allowed", c.allowed},
              {"verdict", std::string(policy::to_string(c.verdict))},
              {"policy_reasons", c.policy_reasons},
              {"usable", c.usable},
              {"why_not", c.why_not},
              {"held_by", c.held_by},
              {"over_limit", over_limit_json(plan, c)},
              {"over_limit_omitted", c.over_limits_omitted},
              {"precision", std::string(specs::to_string(c.precision))},
              {"precision_fallback", c.precision_fallback},
              {"count", c.count},
              {"layout", c.layout},
              {"idle_chips", c.idle_chips},
              {"idle_reason", c.idle_reason}};
  if (c.count > 0) {
    out.update(cost_json(c.cost));
    out["subsidy_fraction"] = c.cost.subsidy_fraction;
    out["usd_per_million_tokens"] = c.usd_per_million_tokens;
    if (is_training(r, c)) {
      out["days"] = c.days;
      out["usd_per_run"] = c.usd_per_run;  // = job_cost_usd
    } else {
      out["output_tokens_per_s"] = c.output_tokens_per_s;
    }
  }
  return out;
}

// The best usable candidate per chip type for each workload, cheapest first
// by the request's objective; unusable chip types after, with their reason.
std::vector<const Candidate*> best_per_chip(const search::PlanResult& plan) {
  std::vector<const Candidate*> best;
  for (const auto& c : plan.candidates) {
    auto it = std::find_if(best.begin(), best.end(), [&](const Candidate* b) {
      return b->workload == c.workload && b->chip == c.chip && b->system == c.system;
    });
    const bool better = it == best.end() || (c.usable && (!(*it)->usable || c.objective < (*it)->objective));
    if (it == best.end()) best.push_back(&c);
    else if (better) *it = &c;
  }
  std::stable_sort(best.begin(), best.end(), [](const Candidate* a, const Candidate* b) {
    if (a->workload != b->workload) return a->workload < b->workload;
    if (a->usable != b->usable) return a->usable;
    return a->objective < b->objective;
  });
  return best;
}

std::string header_line(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  return fmt::format("policy {}{}, buyer {}{}, objective {}{}\n", plan.scenario,
                     r.licences_granted ? "" : " (licences refused)", h.buyer,
                     h.state_funded ? " (state-funded)" : "", h.objective,
                     r.assumptions.rental_usd_per_chip_hour
                         ? fmt::format(", renting at {} USD per chip-hour", *r.assumptions.rental_usd_per_chip_hour)
                         : r.assumptions.market_rent ? std::string(", renting at market rents")
                         : fmt::format(", chips written off over {} years", r.assumptions.chip_life_years));
}

Json quotas_json(const search::PlanResult& plan) {
  Json out = Json::array();
  for (const auto& q : plan.quotas)
    out.push_back({{"id", q.id}, {"text", q.text}, {"unit", q.unit}, {"used", q.used}, {"limit", q.limit},
                   {"above", std::string(policy::to_string(q.above))}, {"over", q.over}});
  return out;
}

Json solver_json(const search::PlanResult& plan) {
  const auto& s = plan.solve;
  return {{"solved", s.solved}, {"proven_optimal", s.proven_optimal}, {"gap", s.gap}, {"best_bound", s.best_bound},
          {"time_limit_s", s.seconds}};
}

// Lines under a plan: quota use, what the plan assumed, how well it was solved.
std::string plan_footer(const search::PlanResult& plan) {
  std::string out;
  for (const auto& q : plan.quotas)
    out += fmt::format("quota: {}: {} of {} {} used{}\n", q.text, grouped(q.used), grouped(q.limit), q.unit,
                       q.over ? " (beyond the licence-free allowance: needs a licence)" : "");
  for (const auto& n : plan.notes) out += "note: " + n + "\n";
  const auto& s = plan.solve;
  out += s.proven_optimal ? fmt::format("solver: proven optimal within a {}% gap\n", fixed(s.gap * 100, 3))
                          : fmt::format("solver: best plan found by the time limit, not proven optimal (gap {}%)\n",
                                        fixed(s.gap * 100, 3));
  return out;
}

// One line per owned chip type with a market rent: which is cheaper per chip-hour.
std::string rent_vs_buy(const search::PlanRequest& r, const search::PlanResult& plan) {
  const auto* model = r.assumptions.model;
  if (!model || r.assumptions.rental_usd_per_chip_hour || r.assumptions.market_rent) return "";
  std::string out;
  for (const auto* c : best_per_chip(plan)) {
    const auto* rent = model->find_rental(c->chip);
    if (!rent || c->count == 0) continue;
    const double own = c->cost.usd_per_chip_hour;
    const double market = rent->usd_per_chip_hour.value;
    out += fmt::format("  {}: own {} vs rent {} USD per chip-hour: {}\n", chip_label(*c), fixed(own, 2),
                       fixed(market, 2), own <= market ? "buying is cheaper" : "renting is cheaper");
  }
  return out.empty() ? "" : "\nrent vs buy (market rent from hw_specs/cost, owned at the assumptions below):\n" + out;
}

}  // namespace

std::vector<const Candidate*> best_chip_options(const search::PlanResult& plan) { return best_per_chip(plan); }

std::string plan_header_line(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  return header_line(r, plan, h);
}

Json plan_json(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  Json plans = Json::array();
  for (const auto& chosen : plan.chosen) {
    const auto& c = plan.candidates[chosen.candidate];
    Json p = {{"workload", r.workloads[static_cast<std::size_t>(c.workload)].name},
              {"chip", c.chip},
              {"system", c.system},
              {"site", c.site},
              {"domestic", c.domestic},
              {"verdict", std::string(policy::to_string(chosen.verdict))},
              {"count", chosen.count},
              {"layout", c.layout},
              {"precision", std::string(specs::to_string(c.precision))},
              {"usd_per_million_tokens", chosen.usd_per_million_tokens},
              {"binding", chosen.binding}};
    p.update(cost_json(chosen.cost));
    if (is_training(r, c)) {
      p["days"] = chosen.days;
      p["usd_per_run"] = chosen.cost.job_cost_usd;
    } else {
      p["output_tokens_per_s"] = chosen.output_tokens_per_s;
    }
    plans.push_back(std::move(p));
  }
  Json candidates = Json::array();
  for (const auto& c : plan.candidates) candidates.push_back(candidate_json(r, plan, c));
  return {{"schema_version", kSchemaVersion},
          {"policy", plan.scenario},
          {"licences_granted", r.licences_granted},
          {"buyer", h.buyer},
          {"state_funded", h.state_funded},
          {"objective", h.objective},
          {"feasible", plan.feasible},
          {"plans", std::move(plans)},
          {"totals",
           {{"capex_usd", plan.total_capex_usd},
            {"tco_usd", plan.total_tco_usd},
            {"job_cost_usd", plan.total_job_cost_usd},
            {"power_mw", plan.total_power_mw}}},
          {"binding", plan.binding},
          {"ways_out", plan.ways_out},
          {"hints", plan.hints},
          {"explanations", explanations_json(r, plan)},
          {"quotas", quotas_json(plan)},
          {"limits", limits_json(plan)},
          {"solver", solver_json(plan)},
          {"notes", plan.notes},
          {"candidates", std::move(candidates)}};
}

std::string plan_table(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  std::string out = header_line(r, plan, h);
  if (!plan.feasible) {
    out += plan.solve.solved ? "\nNo plan meets the request.\n" : "\nNo plan found in time.\n";
    for (const auto& n : plan.notes) out += "  note: " + n + "\n";
    for (const auto& b : plan.binding) out += "  binds: " + b + "\n";
    for (const auto& w : plan.ways_out) out += "  way out: " + w + "\n";
    for (const auto& hint : plan.hints) out += "  hint: " + hint + "\n";
    return out;
  }
  Table t;
  for (const char* col : {"WORKLOAD", "CHIP", "SITE"}) t.add_column(col, Align::left);
  for (const char* col : {"COUNT", "MW", "CAPEX M$", "TCO M$", "JOB M$", "USD/CHIP-H", "DAYS | OUT TOK/S", "$/M TOK"})
    t.add_column(col);
  t.add_column("LAYOUT", Align::left);
  for (const auto& chosen : plan.chosen) {
    const auto& c = plan.candidates[chosen.candidate];
    t.add_row({r.workloads[static_cast<std::size_t>(c.workload)].name, chip_label(c), c.site,
               grouped(static_cast<double>(chosen.count)), fixed(chosen.cost.power_mw, 1), musd(chosen.cost.capex_usd),
               musd(chosen.cost.tco_usd), musd(chosen.cost.job_cost_usd), fixed(chosen.cost.usd_per_chip_hour, 2),
               is_training(r, c) ? fixed(chosen.days, 1) + " d" : grouped(chosen.output_tokens_per_s),
               fixed(chosen.usd_per_million_tokens, 3), c.layout});
  }
  out += "\n" + t.render();
  out += fmt::format("\ntotal: capex {} M$, lifetime TCO {} M$, job cost {} M$, {} MW\n", musd(plan.total_capex_usd),
                     musd(plan.total_tco_usd), musd(plan.total_job_cost_usd), fixed(plan.total_power_mw, 1));
  out += assumptions_text(r.assumptions, r.serving_years);
  out += plan_footer(plan);
  for (const auto& chosen : plan.chosen) {
    const auto& c = plan.candidates[chosen.candidate];
    out += fmt::format("{} on {} at {}:\n", r.workloads[static_cast<std::size_t>(c.workload)].name, chip_label(c), c.site);
    out += cost_breakdown(chosen.cost, chosen.count);
    for (const auto& b : chosen.binding) out += "  binding: " + b + "\n";
    if (c.precision_fallback) out += fmt::format("  note: runs at {}: the chip lacks the workload's precision\n", specs::to_string(c.precision));
  }
  // The runners-up: the best site of every other chip type.
  Table alt;
  const bool several = r.workloads.size() > 1;
  if (several) alt.add_column("WORKLOAD", Align::left);
  for (const char* col : {"ALTERNATIVE", "BEST SITE"}) alt.add_column(col, Align::left);
  for (const char* col : {"COUNT", "JOB M$", "DAYS | OUT TOK/S"}) alt.add_column(col);
  alt.add_column("WHY NOT CHOSEN", Align::left);
  for (const auto* c : best_per_chip(plan)) {
    const bool chosen = std::any_of(plan.chosen.begin(), plan.chosen.end(),
                                    [&](const search::Chosen& ch) { return &plan.candidates[ch.candidate] == c; });
    if (chosen) continue;
    std::vector<std::string> row = {
        chip_label(*c), c->site, c->count ? grouped(static_cast<double>(c->count)) : "-",
        c->count ? musd(c->cost.job_cost_usd) : "-",
        c->count ? (is_training(r, *c) ? fixed(c->days, 1) + " d" : grouped(c->output_tokens_per_s)) : "-",
        !c->usable           ? c->why_not
        : c->held_by.empty() ? fmt::format("costlier by {}", to_string(r.objective))
                             : "held out by " + c->held_by};
    if (several) row.insert(row.begin(), r.workloads[static_cast<std::size_t>(c->workload)].name);
    alt.add_row(std::move(row));
  }
  if (!alt.empty()) out += "\n" + alt.render();
  out += explanations_table(r, plan);
  return out;
}

Json compare_json(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  Json rows = Json::array();
  for (const auto* c : best_per_chip(plan)) rows.push_back(candidate_json(r, plan, *c));
  return {{"schema_version", kSchemaVersion}, {"policy", plan.scenario}, {"licences_granted", r.licences_granted},
          {"buyer", h.buyer}, {"state_funded", h.state_funded}, {"objective", h.objective}, {"rows", std::move(rows)},
          {"limits", limits_json(plan)}};
}

std::string compare_table(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  std::string out = header_line(r, plan, h);
  const bool training = !r.workloads.empty() && r.workloads.front().kind == workload::Kind::training;
  Table t;
  for (const char* col : {"CHIP", "ORIGIN", "ALLOWED"}) t.add_column(col, Align::left);
  for (const char* col : {"COUNT", "MW", "CAPEX M$", "ENERGY M$/yr", "NO SUBSIDY M$/yr", "TCO M$", "USD/CHIP-H",
                          "RENT USD/CHIP-H", training ? "M$ PER RUN" : "$/M TOKENS", training ? "DAYS" : "OUT TOK/S"})
    t.add_column(col);
  t.add_column("LAYOUT OR WHY NOT", Align::left);
  const auto* model = r.assumptions.model;
  for (const auto* c : best_per_chip(plan)) {
    const bool sized = c->count > 0;
    const std::string over = over_limit_text(plan, *c);
    const std::string why = !c->usable ? c->why_not : over.empty() ? c->layout : c->layout + "; " + over;
    const auto* rent = model ? model->find_rental(c->chip) : nullptr;
    t.add_row({chip_label(*c), c->domestic ? "domestic" : "imported", allowed_text(plan, *c),
               sized ? grouped(static_cast<double>(c->count)) : "-", sized ? fixed(c->cost.power_mw, 1) : "-",
               sized ? musd(c->cost.capex_usd) : "-", sized ? musd(c->cost.energy_usd_per_year) : "-",
               sized ? musd(c->cost.energy_usd_per_year_unsubsidized) : "-", sized ? musd(c->cost.tco_usd) : "-",
               sized ? fixed(c->cost.usd_per_chip_hour, 2) : "-", rent ? fixed(rent->usd_per_chip_hour.value, 2) : "-",
               sized ? (training ? musd(c->usd_per_run) : fixed(c->usd_per_million_tokens, 3)) : "-",
               sized ? (training ? fixed(c->days, 1) : grouped(c->output_tokens_per_s)) : "-", why});
  }
  const std::string site = plan.candidates.empty() ? "" : plan.candidates.front().site;
  out += fmt::format("site {}; one row per chip, cheapest first; M$ = millions of USD\n\n", site) + t.render();
  out += rent_vs_buy(r, plan) + assumptions_text(r.assumptions, r.serving_years);
  return out;
}

}  // namespace planner::report
