#include "search/plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "perf/hardware.h"
#include "search/fleet.h"
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

double deadline_of(const PlanRequest& r, const workload::Workload& w) {
  if (r.deadline_days) return *r.deadline_days;
  return w.training.deadline_days.value_or(kDefaultDeadlineDays);
}

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
    s.training = size_training(perf::make_training_model(w), *s.hw, choice.step, deadline_of(request, w));
  } else {
    s.serving = size_serving(perf::make_inference_model(w), *s.hw, choice.step);
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
    case Objective::tco: return c.cost.tco_usd;
    case Objective::time: return training ? c.days : c.cost.tco_usd;
    case Objective::energy: return c.cost.energy_mwh;
    case Objective::carbon: return c.cost.tco2;
  }
  return c.cost.tco_usd;
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
  } else if (!training && !s.serving.feasible) {
    c.why_not = s.serving.why_not;
  } else if (training) {
    c.count = c.step_chips = s.training.count;
    c.layout = s.training.best.layout.str();
    c.days = s.training.days;
    years = c.days / kDaysPerYear;
  } else {
    c.step_chips = s.serving.replica_chips;
    const auto chips = serving_chips(s.serving.best, c.step_chips, w.demanded_output_tokens_per_s());
    c.count = chips.total;
    c.layout = s.serving.best.layout.str();
    c.output_tokens_per_s = chips.output_tokens_per_s;
  }
  if (c.count > 0) {
    c.cost = cost::cost_of({choice.chip, choice.system, &site, c.count, years}, request.assumptions);
    const double tokens = training ? w.training.tokens : w.demanded_output_tokens_per_s() * years * kSecondsPerYear;
    c.usd_per_run = training ? c.cost.tco_usd : 0;
    c.usd_per_million_tokens = c.cost.tco_usd / tokens * 1e6;
    c.objective = objective_value(request.objective, c, training);
    c.usable = true;
    if (training && c.cost.power_mw > site.power_available_mw.value) {
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

struct Model {
  FleetProblem problem;
  std::vector<std::size_t> option_candidate;  // option index -> candidate index
};

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
      if (cap.above_limit != policy::Verdict::banned) continue;
      FleetConstraint c{cap.id, cap.text, cap.limit, {}, cap.unit == "h100_equivalents" ? "H100-equivalents" : cap.unit == "tpp" ? "TPP" : "chips"};
      for (std::size_t o = 0; o < m.option_candidate.size(); ++o) {
        const auto& cand = candidates[m.option_candidate[o]];
        const bool here = std::find(cap.site_countries.begin(), cap.site_countries.end(), cand.site_country) !=
                          cap.site_countries.end();
        if (!here) continue;
        for (const auto& [chip, weight] : cap.chip_weights)
          if (chip == cand.chip)
            c.terms.push_back({static_cast<int>(o), weight * static_cast<double>(cand.step_chips)});
      }
      if (!c.terms.empty()) m.problem.constraints.push_back(std::move(c));
    }
  }
  return m;
}

std::string chip_label(const Candidate& c) { return c.system.empty() ? c.chip : c.system; }

// A workload's own "chips" list, when it has one, names the chip or its system.
bool allows_chip(const workload::Workload& w, const ChipChoice& choice) {
  if (w.chips.empty()) return true;
  return std::any_of(w.chips.begin(), w.chips.end(), [&](const std::string& id) {
    return id == choice.id || id == choice.chip->id || (choice.system && id == choice.system->id);
  });
}

// An amount in a limit's unit: megawatts to a tenth (a 0.5 MW limit is not
// "0"), other units whole, with thousands separators.
std::string limit_amount(const FleetConstraint& c, double value) {
  return c.kind == LimitKind::site_power || c.kind == LimitKind::max_mw ? fmt::format("{:.1f}", value) : grouped(value);
}

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

// One limit that binds: by how much the cheapest plan without `without`
// breaks it, and for the request's own limits the value that would admit it.
void report_binding(const FleetConstraint& c, double load, std::string_view without, PlanResult& out) {
  const auto amount = [&](double v) { return limit_amount(c, v); };
  out.binding.push_back(fmt::format("{}: limit {} {}; the cheapest plan without {} needs {} ({} over)", c.text,
                                    amount(c.limit), c.unit, without, amount(load), amount(load - c.limit)));
  if (c.kind == LimitKind::budget)
    out.ways_out.push_back(fmt::format("raise --budget-usd to {:.0f}", std::ceil(load)));
  else if (c.kind == LimitKind::max_mw)
    out.ways_out.push_back(fmt::format("raise --max-mw to {:.1f}", std::ceil(load * 10) / 10));
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
      if (fastest)
        out.ways_out.push_back(fmt::format("extend the deadline of {} to at least {:.1f} days ({} at {} gets there "
                                           "at best, on up to {} chips, site power aside)",
                                           request.workloads[w].name, std::ceil(fastest->fastest_days * 10) / 10,
                                           chip_label(*fastest), fastest->site,
                                           util::format_count(static_cast<double>(kMaxPlanChips))));
    }
    const auto refused = std::count_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return c.verdict == policy::Verdict::licence && !c.allowed && c.count > 0;
    });
    if (refused > 0)
      out.ways_out.push_back(fmt::format("assume case-by-case licences are granted (--licences grant): {} chip and site "
                                         "{}",
                                         refused, refused == 1 ? "option needs one" : "options need one"));
    out.ways_out.push_back("a later deadline, more chips (a larger --budget-usd or --max-mw), other chips (--chips), "
                           "other sites (--sites) or another --policy scenario");
    return;
  }
  // Drop one coupled constraint at a time: those whose removal makes the plan
  // feasible bind; the relaxed optimum says by how much.
  for (std::size_t k = 0; k < m.problem.constraints.size(); ++k) {
    FleetProblem relaxed = m.problem;
    relaxed.constraints.erase(relaxed.constraints.begin() + static_cast<std::ptrdiff_t>(k));
    const auto solution = solve_fleet(relaxed);
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
      const auto within = search_training(perf::make_training_model(w), *hw, allowed, {}, 1);
      if (!within.best.empty())
        out.ways_out.push_back(fmt::format("extend the deadline to {:.0f} days: {} {} at {} stay within the limit",
                                           std::ceil(within.best.front().estimate.days),
                                           grouped(static_cast<double>(within.best.front().layout.chips())),
                                           chip_label(cand), cand.site));
    }
    if (c.kind == LimitKind::policy_cap && !request.chips.empty())
      out.ways_out.push_back("or chips this limit does not count: name them in --chips, or drop --chips to let the "
                             "planner choose among every system");
  }
  // Options the limits shut out, cheapest first, as alternatives.
  std::vector<const Candidate*> others;
  for (const auto& c : candidates)
    if (!c.usable && c.count > 0 && c.verdict != policy::Verdict::banned) others.push_back(&c);
  std::sort(others.begin(), others.end(), [](const Candidate* a, const Candidate* b) { return a->objective < b->objective; });
  for (std::size_t i = 0; i < std::min<std::size_t>(2, others.size()); ++i)
    out.ways_out.push_back(fmt::format("or {} {} at {} ({}), now ruled out: {}", grouped(static_cast<double>(others[i]->count)),
                                       chip_label(*others[i]), others[i]->site, others[i]->domestic ? "domestic" : "imported",
                                       others[i]->why_not));
  if (out.binding.empty()) {
    // No one limit is to blame: say what the cheapest plan under none of them breaks.
    FleetProblem unlimited = m.problem;
    unlimited.constraints.clear();
    const auto solution = solve_fleet(unlimited);
    if (solution.feasible)
      for (const auto& c : m.problem.constraints) {
        const double load = constraint_load(c, solution.steps);
        if (load > c.limit) report_binding(c, load, "any limit", out);
      }
    out.binding.insert(out.binding.begin(),
                       "the limits together exclude every combination; no single limit is to blame");
  }
}

}  // namespace

std::string_view to_string(Objective o) {
  switch (o) {
    case Objective::tco: return "tco";
    case Objective::time: return "time";
    case Objective::energy: return "energy";
    case Objective::carbon: return "carbon";
  }
  return "tco";
}

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
        if (wl.sites.empty() || std::find(wl.sites.begin(), wl.sites.end(), site->id) != wl.sites.end())
          out.candidates.push_back(price(request, static_cast<int>(w), sized, *site));
    }
  }
  if (request.price_only) return out;
  const Model model = build_model(catalog, request, out.candidates, sites);
  const auto solution = solve_fleet(model.problem);
  out.feasible = solution.feasible;
  if (!out.feasible) {
    explain(catalog, request, model, out);
    return out;
  }
  for (std::size_t o = 0; o < solution.steps.size(); ++o) {
    if (solution.steps[o] == 0) continue;
    const auto& cand = out.candidates[model.option_candidate[o]];
    const auto& w = request.workloads[static_cast<std::size_t>(cand.workload)];
    Chosen chosen;
    chosen.candidate = model.option_candidate[o];
    chosen.steps = solution.steps[o];
    chosen.count = chosen.steps * cand.step_chips;
    const double share = static_cast<double>(chosen.count) / static_cast<double>(cand.count);
    chosen.cost = cand.cost;
    for (double* field : {&chosen.cost.chip_capex_usd, &chosen.cost.system_capex_usd, &chosen.cost.facility_capex_usd,
                          &chosen.cost.capex_usd, &chosen.cost.it_power_mw, &chosen.cost.power_mw,
                          &chosen.cost.average_power_mw, &chosen.cost.energy_mwh_per_year, &chosen.cost.energy_usd_per_year,
                          &chosen.cost.energy_usd_per_year_unsubsidized, &chosen.cost.capex_usd_per_year,
                          &chosen.cost.rental_usd_per_year, &chosen.cost.tco_usd, &chosen.cost.energy_mwh, &chosen.cost.tco2})
      *field *= share;
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
    out.total_power_mw += chosen.cost.power_mw;
    out.chosen.push_back(std::move(chosen));
  }
  explain_unchosen(model, solution.steps, out.candidates);
  return out;
}

}  // namespace planner::search
