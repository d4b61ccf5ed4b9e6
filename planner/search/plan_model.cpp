#include "search/plan_model.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace planner::search {

namespace {

std::string grouped(double value) { return util::format_count(value); }

std::string cap_unit(const std::string& unit) {
  return unit == "h100_equivalents" ? "H100-equivalents" : unit == "tpp" ? "TPP" : "chips";
}

}  // namespace

Model build_model(const specs::Catalog& catalog, const PlanRequest& request, const std::vector<Candidate>& candidates,
                  const std::vector<const specs::Site*>& sites) {
  Model m;
  for (const auto& w : request.workloads)
    m.problem.demand.push_back(w.kind == workload::Kind::training ? 1.0 : w.demanded_output_tokens_per_s());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (!c.usable) continue;
    const bool training = request.workloads[static_cast<std::size_t>(c.workload)].kind == workload::Kind::training;
    const long long steps = training ? 1 : c.count / c.step_chips;
    FleetOption o;
    o.workload = c.workload;
    o.max_steps = steps;
    o.supply_per_step = training ? 1.0 : c.output_tokens_per_s / static_cast<double>(steps);
    o.objective_per_step = c.objective / static_cast<double>(steps);
    o.label = fmt::format("{} at {}", c.system.empty() ? c.chip : c.system, c.site);
    m.problem.options.push_back(o);
    m.option_candidate.push_back(i);
  }
  auto per_step = [&](std::size_t option, double total) {
    return total / static_cast<double>(m.problem.options[option].max_steps);
  };
  // Power per site, and for the whole plan.
  for (const auto* site : sites) {
    FleetConstraint c{"site-power/" + site->id,
                      fmt::format("power available at {} ({:.0f} MW)", site->id, site->power_available_mw.value),
                      site->power_available_mw.value, {}, "MW", LimitKind::site_power};
    for (std::size_t o = 0; o < m.option_candidate.size(); ++o)
      if (candidates[m.option_candidate[o]].site == site->id)
        c.terms.push_back({static_cast<int>(o), per_step(o, candidates[m.option_candidate[o]].cost.power_mw)});
    if (!c.terms.empty()) m.problem.constraints.push_back(std::move(c));
  }
  auto whole_plan = [&](LimitKind kind, std::string id, std::string text, double limit, std::string unit, auto field) {
    FleetConstraint c{std::move(id), std::move(text), limit, {}, std::move(unit), kind};
    for (std::size_t o = 0; o < m.option_candidate.size(); ++o)
      c.terms.push_back({static_cast<int>(o), per_step(o, field(candidates[m.option_candidate[o]].cost))});
    m.problem.constraints.push_back(std::move(c));
  };
  if (request.max_mw)
    whole_plan(LimitKind::max_mw, "max-mw", fmt::format("--max-mw {} MW for the whole plan", util::format_number(*request.max_mw)),
               *request.max_mw, "MW",
               [](const cost::Cost& k) { return k.power_mw; });
  if (request.budget_usd)
    whole_plan(LimitKind::budget, "budget", fmt::format("--budget-usd {} of capital (rent when renting)", grouped(*request.budget_usd)),
               *request.budget_usd, "USD", [](const cost::Cost& k) { return k.capex_usd + k.rental_usd_per_year; });
  // Policy caps and quotas that are hard limits.
  if (request.scenario) {
    std::vector<const specs::Accelerator*> chips;
    std::set<std::string> seen;
    for (const auto& c : candidates)
      if (seen.insert(c.chip).second) chips.push_back(catalog.find_accelerator(c.chip));
    std::vector<std::string> countries;
    for (const auto* s : sites) countries.push_back(s->country);
    std::sort(countries.begin(), countries.end());
    countries.erase(std::unique(countries.begin(), countries.end()), countries.end());
    for (const auto& cap : policy::caps(*request.scenario, request.buyer, chips, countries)) {
      FleetConstraint c{cap.id, cap.text, cap.limit, {}, cap_unit(cap.unit)};
      for (std::size_t o = 0; o < m.option_candidate.size(); ++o) {
        const auto& cand = candidates[m.option_candidate[o]];
        const bool here = std::find(cap.site_countries.begin(), cap.site_countries.end(), cand.site_country) !=
                          cap.site_countries.end();
        if (!here) continue;
        for (const auto& [chip, weight] : cap.chip_weights)
          if (chip == cand.chip)
            c.terms.push_back({static_cast<int>(o), weight * static_cast<double>(cand.step_chips)});
      }
      if (c.terms.empty()) continue;
      m.quotas.push_back({c, cap.above_limit});
      // An allowance beyond which a licence is needed binds only when
      // licences are refused; otherwise the plan is flagged after the solve.
      if (cap.above_limit == policy::Verdict::banned || !request.licences_granted)
        m.problem.constraints.push_back(std::move(c));
    }
  }
  drop_dominated_rows(m.problem.constraints);
  return m;
}


std::string chip_label(const Candidate& c) { return c.system.empty() ? c.chip : c.system; }


std::string limit_amount(LimitKind kind, double value) {
  return kind == LimitKind::site_power || kind == LimitKind::max_mw ? fmt::format("{:.1f}", value) : grouped(value);
}


double deadline_of(const PlanRequest& r, const workload::Workload& w) {
  if (r.deadline_days) return *r.deadline_days;
  return w.training.deadline_days.value_or(kDefaultDeadlineDays);
}


}  // namespace planner::search
