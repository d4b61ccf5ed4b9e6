#include "search/tornado.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

namespace planner::search {

namespace {

// The low and high ends of a sourced value: its recorded range, else the
// spread of its published alternatives, else the default share either way.
struct Ends {
  double low = 0, high = 0;
  std::string basis;
};

Ends ends_of(const specs::Sourced& s) {
  const auto& p = s.provenance;
  if (p.range && (p.range->low < s.value || p.range->high > s.value))
    return {p.range->low, p.range->high, "recorded range"};
  double lo = s.value, hi = s.value;
  for (const auto& a : p.alternatives) {
    lo = std::min(lo, a.value);
    hi = std::max(hi, a.value);
  }
  if (lo < hi) return {lo, hi, "published alternatives"};
  return {s.value * (1 - kDefaultRangeShare), s.value * (1 + kDefaultRangeShare),
          fmt::format("no range recorded: +/-{:.0f}%", kDefaultRangeShare * 100)};
}

SweepAxis axis_of(const std::string& key) {
  SweepAxis a;
  parse_axis(key + "=0", a);
  return a;
}

std::string unit_of(const SweepAxis& a) {
  for (const auto& k : sweep_keys())
    if (k.key == a.key) return std::string(k.unit);
  return "";
}

TornadoInput input(const std::string& key, std::string label, double current, const Ends& e) {
  TornadoInput in;
  in.axis = axis_of(key);
  in.label = std::move(label);
  in.unit = unit_of(in.axis);
  in.current = current;
  in.low = e.low;
  in.high = e.high;
  in.basis = e.basis;
  return in;
}

std::string chosen_label(const SweepOutcome& o) {
  if (!o.feasible) return "no plan";
  std::string out;
  for (const auto& c : o.choices)
    out += fmt::format("{}{} at {}", out.empty() ? "" : "; ", c.system.empty() ? c.chip : c.system, c.site);
  return out;
}

}  // namespace

double TornadoBar::swing_usd() const {
  if (!feasible_low || !feasible_high) return std::numeric_limits<double>::infinity();
  return std::fabs(tco_high_usd - tco_low_usd);
}

std::vector<TornadoInput> tornado_inputs(const specs::Catalog& catalog, const PlanRequest& request,
                                         const PlanResult& plan) {
  std::vector<TornadoInput> out;
  std::map<std::string, std::string> chips;  // chip -> the country of the first site it is chosen at
  std::set<std::string> sites;
  for (const auto& c : plan.chosen) {
    chips.emplace(plan.candidates[c.candidate].chip, plan.candidates[c.candidate].site_country);
    sites.insert(plan.candidates[c.candidate].site);
  }
  for (const auto& [id, country] : chips) {
    const auto* chip = catalog.find_accelerator(id);
    if (!chip || request.assumptions.rental_usd_per_chip_hour) continue;
    const auto& price = chip->unit_price(country);  // delivered there
    out.push_back(input("price:" + id, "price of " + id, price.value, ends_of(price)));
  }
  for (const auto& id : sites) {
    const auto* site = catalog.find_site(id);
    if (!site) continue;
    out.push_back(input("electricity:" + id, "power price at " + id, site->electricity_usd_per_kwh.value,
                        ends_of(site->electricity_usd_per_kwh)));
    Ends pue = ends_of(site->pue);
    pue.low = std::max(1.0, pue.low);
    out.push_back(input("pue:" + id, "PUE at " + id, site->pue.value, pue));
    for (const auto& sub : site->subsidies)
      if (sub.kind == "power_bill_refund") {
        Ends e = ends_of(sub.fraction);
        e.low = std::max(0.0, e.low);
        e.high = std::min(1.0, e.high);
        out.push_back(input("subsidy", "power-bill refund", sub.fraction.value, e));
        break;
      }
  }
  // GEMM efficiency of the chosen chips, as a multiplier on every chip.
  if (catalog.constants && !chips.empty()) {
    const auto& e = catalog.constants->get(specs::Constant::matmul_efficiency, chips.begin()->first);
    Ends ends = ends_of(e);
    out.push_back(input("efficiency", "GEMM efficiency of " + chips.begin()->first + " (x)", 1,
                        {ends.low / e.value, ends.high / e.value, ends.basis}));
  }
  if (!request.assumptions.rental_usd_per_chip_hour) {
    const double r = request.assumptions.cost_of_capital;
    out.push_back(input("cost-of-capital", "cost of capital", r,
                        {std::max(0.0, r - 0.04), r + 0.04, "assumed: 4 points either way"}));
  }
  // Drop inputs whose ends coincide (a range of one point moves nothing).
  out.erase(std::remove_if(out.begin(), out.end(), [](const TornadoInput& in) { return !(in.low < in.high); }),
            out.end());
  return out;
}

std::vector<TornadoBar> tornado(const specs::Catalog& catalog, const PlanRequest& request, const PlanResult& plan,
                                int threads) {
  std::vector<TornadoBar> bars;
  if (!plan.feasible) return bars;
  SweepOptions options;
  options.threads = threads;
  for (const auto& in : tornado_inputs(catalog, request, plan)) {
    SweepAxis axis = in.axis;
    axis.lo = in.low;
    axis.hi = in.high;
    axis.points = 2;
    const auto rows = run_sweep(catalog, request, {axis}, 0, 2, options);
    TornadoBar bar;
    bar.input = in;
    bar.tco_low_usd = rows[0].total_tco_usd;
    bar.tco_high_usd = rows[1].total_tco_usd;
    bar.feasible_low = rows[0].feasible;
    bar.feasible_high = rows[1].feasible;
    bar.chosen_low = chosen_label(rows[0]);
    bar.chosen_high = chosen_label(rows[1]);
    bars.push_back(std::move(bar));
  }
  std::stable_sort(bars.begin(), bars.end(),
                   [](const TornadoBar& a, const TornadoBar& b) { return a.swing_usd() > b.swing_usd(); });
  return bars;
}

}  // namespace planner::search
