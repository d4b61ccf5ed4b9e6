#include "search/plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "perf/hardware.h"
#include "search/explain.h"
#include "search/over_limit.h"
#include "search/plan_model.h"
#include "util/json_reader.h"
#include "util/spellcheck.h"

namespace planner::search {

namespace {

constexpr double kSecondsPerYear = 365.0 * 86400;
constexpr double kDaysPerYear = 365.0;
// A constraint whose load is within this share of its limit is reported as binding.
constexpr double kTightShare = 0.999;

std::string grouped(double value) { return util::format_count(value); }

// What the plan needs to know of one workload on one chip, whatever the site.
struct Sized {
  std::optional<ChipChoice> choice;
  specs::Precision precision = specs::Precision::bf16;
  bool fallback = false;
  std::optional<perf::Hardware> hw;
  std::string hardware_problem;
  TrainingSizing training;
  ServingSizing serving;
};

Sized size_one(const specs::Catalog& catalog, const PlanRequest& request, const workload::Workload& w,
               const ChipChoice& choice) {
  Sized s;
  s.choice = choice;
  s.precision = precision_on(*choice.chip, w);
  s.fallback = s.precision != w.precision;
  perf::HardwareProblem problem;
  s.hw = perf::make_hardware(catalog, choice.system ? choice.system->id : choice.chip->id, s.precision, problem);
  if (!s.hw) {
    s.hardware_problem = problem.message;
    return s;
  }
  s.hw->matmul_flops *= request.efficiency_scale;
  s.hw->attention_flops *= request.efficiency_scale;
  if (w.kind == workload::Kind::training) {
    s.training = size_training(perf::make_training_model(w, request.batch_tolerance), *s.hw, choice.step,
                               deadline_of(request, w));
  } else {
    s.serving = size_serving(perf::make_inference_model(w), *s.hw, choice.step,
                             choice.system ? choice.system->id : choice.chip->id);
  }
  return s;
}

}  // namespace

class SizingCache {
 public:
  // The sizing of workload `w` on `choice`, computed once.
  Sized get(const specs::Catalog& catalog, const PlanRequest& request, std::size_t w, const ChipChoice& choice) {
    // By name, not index: a request narrowed to one workload (a break-even) shares the cache.
    const std::string key =
        fmt::format("{}/{}", request.workloads[w].name, choice.system ? choice.system->id : choice.chip->id);
    {
      std::lock_guard lock(mutex_);
      if (auto it = sized_.find(key); it != sized_.end()) return with_choice(it->second, choice);
    }
    Sized s = size_one(catalog, request, request.workloads[w], choice);
    std::lock_guard lock(mutex_);
    return with_choice(sized_.emplace(key, std::move(s)).first->second, choice);
  }

 private:
  // The cached sizing with the caller's chip: the catalog it came from may be gone.
  static Sized with_choice(const Sized& s, const ChipChoice& choice) {
    Sized out = s;
    out.choice = choice;
    return out;
  }
  std::mutex mutex_;
  std::unordered_map<std::string, Sized> sized_;
};

std::shared_ptr<SizingCache> make_sizing_cache() { return std::make_shared<SizingCache>(); }

namespace {

double objective_value(Objective o, const Candidate& c, bool training) {
  switch (o) {
    case Objective::job_cost: return c.cost.job_cost_usd;
    case Objective::lifetime_tco: return c.cost.tco_usd;
    case Objective::time: return training ? c.days : c.cost.job_cost_usd;
    case Objective::energy: return c.cost.energy_mwh;
    case Objective::carbon: return c.cost.tco2;
  }
  return c.cost.job_cost_usd;
}

Candidate price(const PlanRequest& request, int wi, const Sized& s, const specs::Site& site) {
  const auto& w = request.workloads[static_cast<std::size_t>(wi)];
  const auto& choice = *s.choice;
  Candidate c;
  c.workload = wi;
  c.chip = choice.chip->id;
  c.system = choice.system ? choice.system->id : "";
  c.site = site.id;
  c.site_country = site.country;
  c.domestic = choice.chip->origin_country == site.country;
  c.precision = s.precision;
  c.precision_fallback = s.fallback;
  if (request.scenario) {
    const auto decision = policy::decide(*request.scenario, *choice.chip, request.buyer, site.country);
    c.verdict = decision.verdict;
    c.policy_reasons = decision.reasons;
    c.allowed = c.verdict == policy::Verdict::allowed ||
                (c.verdict == policy::Verdict::licence && request.licences_granted);
  }
  const bool training = w.kind == workload::Kind::training;
  double years = request.serving_years;
  if (!s.hw) {
    c.why_not = s.hardware_problem;
  } else if (training && !s.training.feasible) {
    c.why_not = s.training.why_not;
    c.fastest_days = s.training.best_days_at_max;
    c.fastest_count = s.training.fastest_count;
  } else if (!training && !s.serving.feasible) {
    c.why_not = s.serving.why_not;
  } else if (training) {
    c.count = c.step_chips = s.training.count;
    c.idle_chips = s.training.idle_chips;
    if (c.idle_chips > 0)
      c.idle_reason = fmt::format("bought in whole {}-chip systems; the fastest layout on them uses {}", choice.step,
                                  grouped(static_cast<double>(s.training.best.layout.chips())));
    c.layout = s.training.best.layout.str();
    c.days = s.training.days;
    years = c.days / kDaysPerYear;
  } else {
    const auto& sv = s.serving;
    c.step_chips = sv.unit_chips;  // whole systems holding whole replicas
    const auto chips = serving_chips(sv.best, {sv.replica_chips, sv.unit_chips, sv.replicas_per_unit},
                                     w.demanded_output_tokens_per_s());
    c.count = chips.total;
    c.layout = sv.best.layout.str();
    c.output_tokens_per_s = chips.output_tokens_per_s;
    c.idle_chips = chips.idle;
    c.idle_reason = sv.idle_reason;
  }
  if (c.count > 0) {
    c.cost = cost::cost_of({choice.chip, choice.system, &site, c.count, years}, request.assumptions);
    // Serving: the fleet is sized for the peak demand and serves, on average,
    // the serving utilisation of it.
    const double tokens = training ? w.training.tokens
                                   : w.demanded_output_tokens_per_s() * request.assumptions.serving_utilisation *
                                         years * kSecondsPerYear;
    c.usd_per_run = training ? c.cost.job_cost_usd : 0;
    c.usd_per_million_tokens = c.cost.job_cost_usd / tokens * 1e6;
    c.objective = objective_value(request.objective, c, training);
    c.usable = c.cost.priced;
    if (!c.cost.priced) c.why_not = c.cost.why_unpriced;
    if (c.usable && training && c.cost.power_mw > site.power_available_mw.value) {
      c.usable = false;
      c.why_not = fmt::format("needs {:.0f} MW; {} has {:.0f} MW", c.cost.power_mw, site.id, site.power_available_mw.value);
    }
  }
  if (c.verdict == policy::Verdict::banned) {
    c.usable = false;
    c.why_not = c.policy_reasons.empty() ? "barred by the policy" : "barred: " + c.policy_reasons.front();
  } else if (!c.allowed) {
    c.usable = false;
    c.why_not = "licence assumed refused (--licences deny)" +
                (c.policy_reasons.empty() ? std::string() : ": " + c.policy_reasons.front());
  }
  return c;
}

// A workload's own "chips" list, when it has one, names the chip or its system.
bool allows_chip(const workload::Workload& w, const ChipChoice& choice) {
  if (w.chips.empty()) return true;
  return std::any_of(w.chips.begin(), w.chips.end(), [&](const std::string& id) {
    return id == choice.id || id == choice.chip->id || (choice.system && id == choice.system->id);
  });
}

// The countries a serving workload's users are in: its users_in, or the buyer's.
std::vector<std::string> users_countries(const PlanRequest& r, const workload::Workload& w) {
  return w.inference.users_in.empty() ? std::vector<std::string>{r.buyer.country} : w.inference.users_in;
}

// A serving workload is served from sites in its users' countries, unless it
// may be served from abroad or the request compares at one named site.
bool serves_users(const PlanRequest& r, const workload::Workload& w, const specs::Site& site) {
  if (w.kind != workload::Kind::inference || w.inference.serve_abroad || !r.serve_where_users_are) return true;
  const auto where = users_countries(r, w);
  return std::find(where.begin(), where.end(), site.country) != where.end();
}

// What the plan assumed about where a serving workload's users are.
std::optional<std::string> users_note(const PlanRequest& r, const workload::Workload& w) {
  if (w.kind != workload::Kind::inference || !r.serve_where_users_are) return std::nullopt;
  const auto& users = w.inference.users_in;
  if (w.inference.serve_abroad)
    return fmt::format("{}: users in {}, served from any country (serve_abroad)", w.name,
                       users.empty() ? r.buyer.country : fmt::format("{}", fmt::join(users, ", ")));
  if (users.empty())
    return fmt::format("{}: users assumed in {}, the buyer's country (no users_in): served from sites there; "
                       "\"serve_abroad\": true allows sites elsewhere",
                       w.name, r.buyer.country);
  return fmt::format("{}: served from sites in {}, where its users are (users_in)", w.name, fmt::join(users, ", "));
}

}  // namespace

std::string_view to_string(Objective o) {
  switch (o) {
    case Objective::job_cost: return "job-cost";
    case Objective::lifetime_tco: return "lifetime-tco";
    case Objective::time: return "time";
    case Objective::energy: return "energy";
    case Objective::carbon: return "carbon";
  }
  return "job-cost";
}

namespace {

// The chosen counts of a feasible solution, with their costs and what holds each.
void record_chosen(const PlanRequest& request, const Model& model, const FleetSolution& solution, PlanResult& out) {
  for (std::size_t o = 0; o < solution.steps.size(); ++o) {
    if (solution.steps[o] == 0) continue;
    const auto& cand = out.candidates[model.option_candidate[o]];
    const auto& w = request.workloads[static_cast<std::size_t>(cand.workload)];
    Chosen chosen;
    chosen.candidate = model.option_candidate[o];
    chosen.steps = solution.steps[o];
    chosen.count = chosen.steps * cand.step_chips;
    chosen.verdict = cand.verdict;
    const double share = static_cast<double>(chosen.count) / static_cast<double>(cand.count);
    chosen.cost = cost::scaled(cand.cost, share);
    chosen.days = cand.days;
    chosen.output_tokens_per_s = cand.output_tokens_per_s * share;
    chosen.usd_per_million_tokens = cand.usd_per_million_tokens;
    if (w.kind == workload::Kind::training)
      chosen.binding.push_back(fmt::format("deadline: the fewest chips that finish in {:.0f} days", deadline_of(request, w)));
    else
      chosen.binding.push_back(fmt::format("demand: {} output tokens/s at the SLO", grouped(w.demanded_output_tokens_per_s())));
    for (const auto& c : model.problem.constraints) {
      const bool involved = std::any_of(c.terms.begin(), c.terms.end(), [&](const auto& t) {
        return static_cast<std::size_t>(t.first) == o;
      });
      const double load = constraint_load(c, solution.steps);
      if (involved && load >= kTightShare * c.limit)
        chosen.binding.push_back(fmt::format("{}: {} of {} used", c.text, limit_amount(c, load), limit_amount(c, c.limit)));
    }
    if (cand.verdict == policy::Verdict::licence)
      chosen.binding.push_back("needs an export licence (case by case): " +
                               (cand.policy_reasons.empty() ? std::string() : cand.policy_reasons.front()));
    out.total_capex_usd += chosen.cost.capex_usd;
    out.total_tco_usd += chosen.cost.tco_usd;
    out.total_job_cost_usd += chosen.cost.job_cost_usd;
    out.total_power_mw += chosen.cost.power_mw;
    out.chosen.push_back(std::move(chosen));
  }
}

// How much of every cap and quota the plan uses; a plan beyond a licence-free
// allowance needs a licence for the options the allowance counts.
void record_quotas(const Model& model, const FleetSolution& solution, PlanResult& out) {
  for (const auto& q : model.quotas) {
    const auto& c = q.constraint;
    QuotaUse use{c.id, c.text, c.unit, constraint_load(c, solution.steps), c.limit, q.above, false};
    if (use.used <= 0) continue;
    use.over = use.used > c.limit * (1 + 1e-9);
    out.quotas.push_back(use);
    if (!use.over) continue;
    for (auto& chosen : out.chosen) {
      const bool counted = std::any_of(c.terms.begin(), c.terms.end(), [&](const auto& t) {
        return model.option_candidate[static_cast<std::size_t>(t.first)] == chosen.candidate;
      });
      if (!counted) continue;
      chosen.verdict = std::max(chosen.verdict, policy::Verdict::licence);
      chosen.binding.push_back(fmt::format("needs an export licence: {} ({} of {} {} licence-free)", c.text,
                                           limit_amount(c, use.used), limit_amount(c, c.limit), c.unit));
    }
  }
}

}  // namespace

PlanRequest with_change(const PlanRequest& request, const WayOut& change) {
  PlanRequest r = request;
  r.explain_infeasible = false;
  if (change.budget_usd) r.budget_usd = change.budget_usd;
  if (change.max_mw) r.max_mw = change.max_mw;
  if (change.licences_granted) r.licences_granted = *change.licences_granted;
  if (change.deadline_days) {
    r.deadline_days = change.deadline_days;
    r.sizing_cache = nullptr;  // sized for the old deadline
  }
  return r;
}

namespace {

// Keeps the ways out whose one change, re-planned, gives a feasible plan.
void check_ways_out(const specs::Catalog& catalog, const PlanRequest& request, PlanResult& out) {
  std::vector<WayOut> kept;
  for (const auto& change : out.way_out_changes) {
    const bool seen = std::any_of(kept.begin(), kept.end(), [&](const WayOut& k) { return k.text == change.text; });
    if (seen) continue;
    std::vector<std::string> problems;
    const auto replanned = make_plan(catalog, with_change(request, change), problems);
    if (problems.empty() && replanned.feasible) kept.push_back(change);
  }
  out.way_out_changes = kept;
  out.ways_out.clear();
  for (const auto& k : kept) out.ways_out.push_back(k.text);
}

}  // namespace

PlanResult make_plan(const specs::Catalog& catalog, const PlanRequest& request, std::vector<std::string>& problems) {
  PlanResult out;
  out.scenario = request.scenario ? request.scenario->id : "none";
  std::vector<ChipChoice> choices;
  const auto chip_ids = request.chips.empty() ? catalog.system_ids() : request.chips;
  const auto known = catalog.chip_ids();
  for (const auto& id : chip_ids) {
    if (auto c = choose_chip(catalog, id)) choices.push_back(*c);
    else problems.push_back(fmt::format("--chips: no accelerator or system \"{}\"{}", id, util::did_you_mean(id, known)));
  }
  std::vector<const specs::Site*> sites;
  const auto site_ids = request.sites.empty() ? catalog.site_ids() : request.sites;
  for (const auto& id : site_ids) {
    if (const auto* s = catalog.find_site(id)) sites.push_back(s);
    else problems.push_back(fmt::format("--sites: no site \"{}\"{}", id, util::did_you_mean(id, catalog.site_ids())));
  }
  if (!problems.empty()) return out;
  // Chips (by the system bought) and sites in id order, each once: the
  // candidates, the MILP's columns (and so the solution CBC settles on within
  // its gap) and the output never depend on the order the ids were listed in,
  // and a chip named twice ("h100-sxm,hgx-h100-8") is not its own alternative.
  const auto bought = [](const ChipChoice& c) { return c.system ? c.system->id : c.chip->id; };
  std::stable_sort(choices.begin(), choices.end(),
                   [&](const ChipChoice& a, const ChipChoice& b) { return bought(a) < bought(b); });
  choices.erase(std::unique(choices.begin(), choices.end(),
                            [&](const ChipChoice& a, const ChipChoice& b) { return bought(a) == bought(b); }),
                choices.end());
  std::sort(sites.begin(), sites.end(), [](const specs::Site* a, const specs::Site* b) { return a->id < b->id; });
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  for (std::size_t w = 0; w < request.workloads.size(); ++w) {
    const auto& wl = request.workloads[w];
    for (const auto& choice : choices) {
      if (!allows_chip(wl, choice)) continue;
      const Sized sized = request.sizing_cache ? request.sizing_cache->get(catalog, request, w, choice)
                                               : size_one(catalog, request, wl, choice);
      for (const auto* site : sites)
        if ((wl.sites.empty() || std::find(wl.sites.begin(), wl.sites.end(), site->id) != wl.sites.end()) &&
            serves_users(request, wl, *site))
          out.candidates.push_back(price(request, static_cast<int>(w), sized, *site));
    }
    if (auto note = users_note(request, wl)) out.notes.push_back(*note);
  }
  if (request.price_only) return out;
  const Model model = build_model(catalog, request, out.candidates, sites);
  mark_over_limits(model, out);
  const auto solution = solve_fleet(model.problem, {kFleetSolveSeconds, request.verbose_solver});
  out.feasible = solution.feasible;
  out.solve = {solution.solved, solution.proven_optimal, solution.gap, solution.best_bound,
               solution.solved ? 0.0 : kFleetSolveSeconds};
  if (!solution.solved) {
    out.binding.push_back(fmt::format("the fleet program was not solved in {:.0f} s (best bound {}): no plan was found "
                                      "and none is proven impossible; try fewer sites (--sites) or chips (--chips)",
                                      kFleetSolveSeconds, grouped(solution.best_bound)));
    return out;
  }
  if (!out.feasible) {
    if (!request.explain_infeasible) return out;
    explain(catalog, request, model, out);
    check_ways_out(catalog, request, out);
    return out;
  }
  record_chosen(request, model, solution, out);
  record_quotas(model, solution, out);
  explain_unchosen(model, solution.steps, out.candidates);
  return out;
}

}  // namespace planner::search
