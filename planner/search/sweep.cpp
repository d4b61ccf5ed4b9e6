#include "search/sweep.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "util/spellcheck.h"

namespace planner::search {

namespace {

// A grid past this many points is refused: at ~1 ms a point it would run for a day.
constexpr long long kMaxGridPoints = 100'000'000;
constexpr int kMaxAxisPoints = 1'000'000;

std::optional<double> parse_number(std::string_view text) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<std::string> key_names() {
  std::vector<std::string> out;
  for (const auto& k : sweep_keys()) out.emplace_back(k.name);
  return out;
}

const SweepKeyInfo& info(SweepKey key) {
  for (const auto& k : sweep_keys())
    if (k.key == key) return k;
  return sweep_keys().front();
}

void set_demand(workload::Workload& w, double tokens_per_s) {
  if (w.kind != workload::Kind::inference) return;
  w.inference.requests_per_s.reset();
  w.inference.output_tokens_per_s = tokens_per_s;
}

std::string apply_one(const SweepAxis& axis, double v, VariedPlan& out) {
  auto& request = out.request;
  switch (axis.key) {
    case SweepKey::electricity:
      for (auto& s : out.catalog.sites) s.electricity_usd_per_kwh.value = v;
      return "";
    case SweepKey::electricity_at:
    case SweepKey::pue_at:
      for (auto& s : out.catalog.sites)
        if (s.id == axis.site) {
          (axis.key == SweepKey::pue_at ? s.pue : s.electricity_usd_per_kwh).value = v;
          return "";
        }
      return fmt::format("{}: no site \"{}\"{}", axis.name, axis.site,
                         util::did_you_mean(axis.site, out.catalog.site_ids()));
    case SweepKey::pue:
      for (auto& s : out.catalog.sites) s.pue.value = v;
      return "";
    case SweepKey::subsidy:
      for (auto& s : out.catalog.sites)
        for (auto& sub : s.subsidies)
          if (sub.kind == "power_bill_refund") sub.fraction.value = v;
      return "";
    case SweepKey::chip_price:
      for (auto& a : out.catalog.accelerators) a.scale_unit_prices(v);
      return "";
    case SweepKey::price_of:
      for (auto& a : out.catalog.accelerators)
        if (a.id == axis.chip) {
          a.set_unit_prices(v);
          return "";
        }
      return fmt::format("{}: no accelerator \"{}\"{}", axis.name, axis.chip,
                         util::did_you_mean(axis.chip, out.catalog.accelerator_ids()));
    case SweepKey::efficiency: request.efficiency_scale = v; return "";
    case SweepKey::cost_of_capital: request.assumptions.cost_of_capital = v; return "";
    case SweepKey::deadline: request.deadline_days = v; return "";
    case SweepKey::demand: {
      bool any = false;
      for (auto& w : request.workloads) {
        any = any || w.kind == workload::Kind::inference;
        set_demand(w, v);
      }
      return any ? "" : "demand: no serving workload to vary";
    }
    case SweepKey::cap: {
      if (!request.scenario) return "cap: the plan has no policy scenario (--policy)";
      if (!out.scenario) out.scenario = *request.scenario;
      bool any = false;
      for (auto& rs : out.scenario->rule_sets)
        for (auto& cap : rs.caps)
          if (cap.unit == policy::CapUnit::chips) {
            cap.limit = v;
            any = true;
          }
      if (!any) return fmt::format("cap: scenario {} has no cap counted in chips", out.scenario->id);
      request.scenario = &*out.scenario;
      return "";
    }
  }
  return "";
}

// The resizing keys' values of a point: points that share them share a sizing cache.
std::string sizing_signature(const std::vector<SweepAxis>& axes, const std::vector<double>& values) {
  std::string s;
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (info(axes[i].key).resizes) s += fmt::format("{}={};", axes[i].name, values[i]);
  return s;
}

}  // namespace

const std::vector<SweepKeyInfo>& sweep_keys() {
  static const std::vector<SweepKeyInfo> keys = {
      {SweepKey::electricity, "electricity", "USD/kWh", "power price at every site, before subsidies", 0, 10, false},
      {SweepKey::electricity_at, "electricity:SITE", "USD/kWh", "power price at one site, e.g. electricity:us-tx", 0, 10,
       false},
      {SweepKey::subsidy, "subsidy", "share", "share of the power bill refunded wherever a site has a refund", 0, 1, false},
      {SweepKey::pue, "pue", "ratio", "power usage effectiveness at every site", 1, 5, false},
      {SweepKey::pue_at, "pue:SITE", "ratio", "power usage effectiveness at one site, e.g. pue:cn-gansu", 1, 5, false},
      {SweepKey::cap, "cap", "chips", "limit of every cap the policy scenario counts in chips", 0, 1e9, false},
      {SweepKey::deadline, "deadline", "days", "training deadline of every training workload", 0.1, 3650, true},
      {SweepKey::demand, "demand", "tokens/s", "output tokens/s of every serving workload", 1, 1e12, true},
      {SweepKey::chip_price, "chip-price", "x", "multiplies every chip's unit price", 0, 100, false},
      {SweepKey::price_of, "price:CHIP", "USD", "unit price of one accelerator, e.g. price:h200-sxm", 0, 1e8, false},
      {SweepKey::efficiency, "efficiency", "x", "multiplies every chip's achievable GEMM and attention rates", 0.05, 5,
       true},
      {SweepKey::cost_of_capital, "cost-of-capital", "per year", "annual cost of capital", 0, 1, false},
  };
  return keys;
}

double SweepAxis::value(int i) const {
  if (points <= 1) return lo;
  return lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(points - 1);
}

std::string parse_axis(std::string_view text, SweepAxis& axis) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos)
    return fmt::format("\"{}\": expected KEY=LO..HI:N, e.g. electricity=0.03..0.20:8", text);
  const std::string key(text.substr(0, eq));
  const std::string_view range = text.substr(eq + 1);
  axis = {};
  axis.name = key;
  bool known = false;
  // Keys with an id after a colon: price:CHIP, electricity:SITE, pue:SITE.
  const auto id_colon = key.find(':');
  const std::string head = key.substr(0, id_colon);
  const std::string id = id_colon == std::string::npos ? "" : key.substr(id_colon + 1);
  if (id_colon != std::string::npos && !id.empty()) {
    if (head == "price") axis.key = SweepKey::price_of, axis.chip = id, known = true;
    if (head == "electricity") axis.key = SweepKey::electricity_at, axis.site = id, known = true;
    if (head == "pue") axis.key = SweepKey::pue_at, axis.site = id, known = true;
  }
  for (const auto& k : sweep_keys())
    if (!known && k.name.find(':') == std::string_view::npos && k.name == key) {
      axis.key = k.key;
      known = true;
    }
  if (!known)
    return fmt::format("unknown key \"{}\"{}; known: {}", key, util::did_you_mean(key, key_names()),
                       fmt::join(key_names(), ", "));
  const auto dots = range.find("..");
  std::string_view lo_text = range, hi_text, n_text;
  if (dots != std::string_view::npos) {
    lo_text = range.substr(0, dots);
    const auto rest = range.substr(dots + 2);
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) return fmt::format("{}: expected LO..HI:N (N points), got \"{}\"", key, range);
    hi_text = rest.substr(0, colon);
    n_text = rest.substr(colon + 1);
  }
  const auto lo = parse_number(lo_text);
  const auto hi = dots == std::string_view::npos ? lo : parse_number(hi_text);
  if (!lo || !hi) return fmt::format("{}: expected numbers in LO..HI:N, got \"{}\"", key, range);
  int n = 1;
  if (dots != std::string_view::npos) {
    const auto points = parse_number(n_text);
    if (!points || *points != std::floor(*points) || *points < 1 || *points > kMaxAxisPoints)
      return fmt::format("{}: N must be a whole number from 1 to {}, got \"{}\"", key, kMaxAxisPoints, n_text);
    n = static_cast<int>(*points);
  }
  if (*hi < *lo) return fmt::format("{}: the range {}..{} is empty (LO must not exceed HI)", key, *lo, *hi);
  if (n > 1 && *hi == *lo) return fmt::format("{}: {} points over the empty range {}..{}", key, n, *lo, *hi);
  const auto& k = info(axis.key);
  if (*lo < k.min || *hi > k.max)
    return fmt::format("{}: values must lie from {} to {} {}, got {}..{}", key, k.min, k.max, k.unit, *lo, *hi);
  axis.lo = *lo;
  axis.hi = *hi;
  axis.points = n;
  return "";
}

std::string parse_shard(std::string_view text, Shard& shard) {
  const auto slash = text.find('/');
  const auto k = parse_number(text.substr(0, slash));
  const auto n = slash == std::string_view::npos ? std::nullopt : parse_number(text.substr(slash + 1));
  if (!k || !n || *k != std::floor(*k) || *n != std::floor(*n) || *n < 1 || *n > 1e6)
    return fmt::format("\"{}\": expected K/N with whole numbers, e.g. 3/8", text);
  if (*k < 1 || *k > *n) return fmt::format("\"{}\": K must lie from 1 to N={}", text, *n);
  shard = {static_cast<long long>(*k), static_cast<long long>(*n)};
  return "";
}

long long grid_size(const std::vector<SweepAxis>& axes) {
  long long n = 1;
  for (const auto& a : axes) {
    n *= a.points;
    if (n > kMaxGridPoints) return 0;
  }
  return n;
}

std::vector<double> grid_point(const std::vector<SweepAxis>& axes, long long index) {
  std::vector<double> values(axes.size());
  for (std::size_t i = axes.size(); i-- > 0;) {
    const auto& a = axes[i];
    values[i] = a.value(static_cast<int>(index % a.points));
    index /= a.points;
  }
  return values;
}

std::pair<long long, long long> shard_range(long long total, const Shard& shard) {
  const long long first = total * (shard.index - 1) / shard.count;
  const long long last = total * shard.index / shard.count;
  return {first, last};
}

std::string vary(const specs::Catalog& catalog, const PlanRequest& request, const std::vector<SweepAxis>& axes,
                 const std::vector<double>& values, VariedPlan& out) {
  out.catalog = catalog;
  out.request = request;
  out.scenario.reset();
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (auto problem = apply_one(axes[i], values[i], out); !problem.empty()) return problem;
  return "";
}

std::string check_axes(const specs::Catalog& catalog, const PlanRequest& request, const std::vector<SweepAxis>& axes) {
  if (grid_size(axes) == 0) return fmt::format("the grid has more than {} points", util::format_count(kMaxGridPoints));
  for (std::size_t i = 0; i < axes.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (axes[i].name == axes[j].name) return fmt::format("{} is varied twice", axes[i].name);
  VariedPlan scratch;
  std::vector<double> values;
  for (const auto& a : axes) values.push_back(a.lo);
  return vary(catalog, request, axes, values, scratch);
}

SweepOutcome summarise(const PlanRequest& request, const PlanResult& result) {
  SweepOutcome o;
  o.feasible = result.feasible;
  if (!result.feasible) o.problem = result.binding.empty() ? "no chip at any site can run it" : result.binding.front();
  for (const auto& chosen : result.chosen) {
    const auto& c = result.candidates[chosen.candidate];
    SweepChoice s;
    s.workload = request.workloads[static_cast<std::size_t>(c.workload)].name;
    s.chip = c.chip;
    s.system = c.system;
    s.site = c.site;
    s.count = chosen.count;
    s.layout = c.layout;
    s.days = chosen.days;
    s.output_tokens_per_s = chosen.output_tokens_per_s;
    s.capex_usd = chosen.cost.capex_usd;
    s.tco_usd = chosen.cost.tco_usd;
    s.job_cost_usd = chosen.cost.job_cost_usd;
    s.usd_per_chip_hour = chosen.cost.usd_per_chip_hour;
    s.energy_usd_per_year = chosen.cost.energy_usd_per_year;
    s.power_mw = chosen.cost.power_mw;
    const bool training = request.workloads[static_cast<std::size_t>(c.workload)].kind == workload::Kind::training;
    s.usd_per_run = training ? chosen.cost.job_cost_usd : 0;
    s.usd_per_million_tokens = chosen.usd_per_million_tokens;
    o.choices.push_back(std::move(s));
  }
  o.total_capex_usd = result.total_capex_usd;
  o.total_tco_usd = result.total_tco_usd;
  o.total_job_cost_usd = result.total_job_cost_usd;
  o.total_power_mw = result.total_power_mw;
  return o;
}

std::vector<SweepOutcome> run_sweep(const specs::Catalog& catalog, const PlanRequest& request,
                                    const std::vector<SweepAxis>& axes, long long first, long long last,
                                    const SweepOptions& options) {
  const long long total = std::max(0LL, last - first);
  std::vector<SweepOutcome> out(static_cast<std::size_t>(total));
  std::mutex caches_mutex;
  std::map<std::string, std::shared_ptr<SizingCache>> caches;  // by sizing signature
  auto cache_for = [&](const std::vector<double>& values) {
    std::lock_guard lock(caches_mutex);
    const auto signature = sizing_signature(axes, values);
    // Points that size as the request does share the request's own cache.
    if (signature.empty() && request.sizing_cache) return request.sizing_cache;
    auto& cache = caches[signature];
    if (!cache) cache = make_sizing_cache();
    return cache;
  };
  std::atomic<long long> next{0}, done{0};
  auto work = [&] {
    VariedPlan varied;
    for (long long i; (i = next.fetch_add(1)) < total; ++done) {
      auto& o = out[static_cast<std::size_t>(i)];
      const long long index = first + i;
      const auto values = grid_point(axes, index);
      if (auto problem = vary(catalog, request, axes, values, varied); !problem.empty()) {
        o.problem = problem;
      } else {
        varied.request.sizing_cache = cache_for(values);
        std::vector<std::string> problems;
        const auto result = make_plan(varied.catalog, varied.request, problems);
        o = problems.empty() ? summarise(varied.request, result) : SweepOutcome{};
        if (!problems.empty()) o.problem = problems.front();
      }
      o.index = index;
      o.values = values;
    }
  };
  const int threads = static_cast<int>(std::clamp<long long>(options.threads, 1, std::max(1LL, total)));
  // With progress to report and several threads, the calling thread reports
  // while `threads` workers plan; otherwise it is one of the workers.
  const bool reporter = options.progress && threads > 1;
  std::vector<std::thread> pool;
  for (int t = reporter ? 0 : 1; t < threads; ++t) pool.emplace_back(work);
  if (reporter) {
    while (done.load() < total) {
      options.progress(done.load(), total);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } else {
    work();
  }
  if (options.progress) options.progress(total, total);
  for (auto& t : pool) t.join();
  return out;
}

}  // namespace planner::search
