#include "search/break_even.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace planner::search {

namespace {

// Iterations of the bracketed search; linear costs need one or two.
constexpr int kMaxIterations = 60;
// Two objectives this close (as a share) are equal.
constexpr double kRelativeTolerance = 1e-9;

std::string bought(const Candidate& c) { return c.system.empty() ? c.chip : c.system; }
std::string label(const Candidate& c) { return fmt::format("{} at {}", bought(c), c.site); }

// The chosen option of workload `w` with the most chips, and the best usable
// option of another chip type.
std::pair<const Candidate*, const Candidate*> top_two(const PlanResult& plan, int w) {
  const Candidate* chosen = nullptr;
  long long most = 0;
  for (const auto& c : plan.chosen) {
    const auto& cand = plan.candidates[c.candidate];
    if (cand.workload == w && c.count > most) {
      chosen = &cand;
      most = c.count;
    }
  }
  if (!chosen) return {nullptr, nullptr};
  const Candidate* runner_up = nullptr;
  for (const auto& c : plan.candidates)
    if (c.workload == w && c.usable && c.chip != chosen->chip && (!runner_up || c.objective < runner_up->objective))
      runner_up = &c;
  return {chosen, runner_up};
}

// The runner-up's objective minus the chosen option's, with one input changed:
// the request narrowed to the workload, the two chip types and their sites.
class Gap {
 public:
  Gap(const specs::Catalog& catalog, const PlanRequest& request, int w, const Candidate& a, const Candidate& b)
      : catalog_(catalog), a_(a), b_(b) {
    narrowed_ = request;
    narrowed_.workloads = {request.workloads[static_cast<std::size_t>(w)]};
    narrowed_.chips = {bought(a), bought(b)};
    narrowed_.sites = {a.site};
    if (b.site != a.site) narrowed_.sites.push_back(b.site);
    narrowed_.budget_usd.reset();
    narrowed_.max_mw.reset();
    narrowed_.price_only = true;
    if (!narrowed_.sizing_cache) narrowed_.sizing_cache = make_sizing_cache();
  }

  std::optional<double> at(const SweepAxis& axis, double x) const {
    VariedPlan varied;
    if (!vary(catalog_, narrowed_, {axis}, {x}, varied).empty()) return std::nullopt;
    std::vector<std::string> problems;
    const auto plan = make_plan(varied.catalog, varied.request, problems);
    const Candidate* a = find(plan, a_);
    const Candidate* b = find(plan, b_);
    if (!problems.empty() || !a || !b) return std::nullopt;
    return b->objective - a->objective;
  }

 private:
  static const Candidate* find(const PlanResult& plan, const Candidate& like) {
    for (const auto& c : plan.candidates)
      if (c.chip == like.chip && c.system == like.system && c.site == like.site && c.usable) return &c;
    return nullptr;
  }
  const specs::Catalog& catalog_;
  PlanRequest narrowed_;
  const Candidate& a_;
  const Candidate& b_;
};

// The root of gap(x) in [lo, hi], where gap(lo) and gap(hi) differ in sign:
// regula falsi with the Illinois step, exact in one step for a linear gap.
std::optional<double> crossing(const Gap& gap, const SweepAxis& axis, double lo, double glo, double hi, double ghi,
                               double scale) {
  int side = 0;
  for (int i = 0; i < kMaxIterations; ++i) {
    const double x = hi - ghi * (hi - lo) / (ghi - glo);
    const auto g = gap.at(axis, x);
    if (!g) return std::nullopt;
    if (std::fabs(*g) <= kRelativeTolerance * scale || hi - lo <= 1e-12 * std::max(1.0, std::fabs(x))) return x;
    if ((*g > 0) == (ghi > 0)) {
      hi = x;
      ghi = *g;
      if (side == 1) glo /= 2;
      side = 1;
    } else {
      lo = x;
      glo = *g;
      if (side == -1) ghi /= 2;
      side = -1;
    }
  }
  return std::nullopt;
}

struct Input {
  SweepAxis axis;
  double current = 0;
  double lo = 0, hi = 0;  // where a crossing is looked for
};

SweepAxis axis_of(const std::string& text) {
  SweepAxis a;
  parse_axis(text + "=0", a);
  return a;
}

std::vector<Input> inputs_of(const specs::Catalog& catalog, const PlanRequest& request, const Candidate& a,
                             const Candidate& b) {
  std::vector<Input> out;
  for (const auto* c : {&a, &b}) {
    if (c == &b && b.site == a.site) continue;
    if (const auto* site = catalog.find_site(c->site)) {
      const double v = site->electricity_usd_per_kwh.value;
      out.push_back({axis_of("electricity:" + c->site), v, 0, std::max(1.0, 10 * v)});
    }
  }
  const bool renting = request.assumptions.rental_usd_per_chip_hour || request.assumptions.market_rent;
  if (!renting)
    for (const auto* c : {&a, &b})
      if (const auto* chip = catalog.find_accelerator(c->chip)) {
        const double v = chip->unit_price(c->site_country).value;  // delivered there
        out.push_back({axis_of("price:" + c->chip), v, v / 10, std::max(1e5, 10 * v)});
      }
  if (a.cost.subsidy_fraction > 0 || b.cost.subsidy_fraction > 0)
    out.push_back({axis_of("subsidy"), std::max(a.cost.subsidy_fraction, b.cost.subsidy_fraction), 0, 1});
  if (!renting)
    out.push_back({axis_of("cost-of-capital"), request.assumptions.cost_of_capital, 0, 0.5});
  return out;
}

}  // namespace

std::vector<BreakEven> break_evens(const specs::Catalog& catalog, const PlanRequest& request, const PlanResult& plan) {
  std::vector<BreakEven> out;
  if (!plan.feasible) return out;
  for (int w = 0; w < static_cast<int>(request.workloads.size()); ++w) {
    const auto [a, b] = top_two(plan, w);
    if (!a || !b) continue;
    const Gap gap(catalog, request, w, *a, *b);
    const double scale = std::max(std::fabs(a->objective), std::fabs(b->objective));
    for (const auto& in : inputs_of(catalog, request, *a, *b)) {
      const auto now = gap.at(in.axis, in.current);
      if (!now || *now <= 0) continue;  // the runner-up is not dearer now: nothing to swap
      for (const double end : {in.lo, in.hi}) {
        if (end == in.current) continue;
        const auto g = gap.at(in.axis, end);
        if (!g || *g >= 0) continue;
        const auto x = end < in.current ? crossing(gap, in.axis, end, *g, in.current, *now, scale)
                                        : crossing(gap, in.axis, in.current, *now, end, *g, scale);
        if (!x) continue;
        BreakEven be;
        be.workload = request.workloads[static_cast<std::size_t>(w)].name;
        be.chosen = label(*a);
        be.runner_up = label(*b);
        be.input = in.axis.name;
        for (const auto& k : sweep_keys())
          if (k.key == in.axis.key) be.unit = std::string(k.unit);
        be.current = in.current;
        be.value = *x;
        be.runner_up_wins_above = end > in.current;
        be.margin = a->objective > 0 ? b->objective / a->objective - 1 : 0;
        out.push_back(std::move(be));
      }
    }
  }
  return out;
}

std::string describe(const BreakEven& b) {
  const auto amount = [&](double v) {
    return b.unit == "USD" ? util::format_count(v) : b.unit == "per year" ? fmt::format("{:.1f}%", v * 100)
                                                                          : fmt::format("{:.3g}", v);
  };
  std::string what = b.input;
  if (b.input.rfind("price:", 0) == 0) what = "the price of " + b.input.substr(6);
  else if (b.input.rfind("electricity:", 0) == 0) what = "power at " + b.input.substr(12);
  else if (b.input == "subsidy") what = "the power-bill refund";
  const std::string unit = b.unit == "per year" ? "" : b.unit == "share" ? "" : " " + b.unit;
  return fmt::format("{} becomes cheaper than {} when {} is {} {}{} (now {}{})", b.runner_up, b.chosen, what,
                     b.runner_up_wins_above ? "above" : "below", amount(b.value), unit, amount(b.current), unit);
}

}  // namespace planner::search
