#include "search/fleet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <optional>

#include <fcntl.h>
#include <unistd.h>

#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

namespace planner::search {

double constraint_load(const FleetConstraint& c, const std::vector<long long>& steps) {
  double sum = 0;
  for (const auto& [option, coefficient] : c.terms) sum += coefficient * static_cast<double>(steps[static_cast<std::size_t>(option)]);
  return sum;
}

namespace {

// Supply and load comparisons tolerate rounding in the solver's doubles.
constexpr double kTolerance = 1e-6;
// Relative gap at which branch and bound stops, and its time limit; a plan
// found by the limit is returned with proven_optimal = false.
constexpr double kOptimalityGap = 1e-4;

// While alive, file descriptors 1 and 2 go to /dev/null: CBC and CGL print
// some messages ("3046 slacks added") straight to stdout whatever the log
// level, which would break --format json.
class Silence {
 public:
  Silence() {
    std::fflush(stdout);
    std::fflush(stderr);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    if (null_fd < 0) return;
    saved_out_ = ::dup(1);
    saved_err_ = ::dup(2);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    ::close(null_fd);
  }
  ~Silence() {
    std::fflush(stdout);
    std::fflush(stderr);
    if (saved_out_ >= 0) ::dup2(saved_out_, 1), ::close(saved_out_);
    if (saved_err_ >= 0) ::dup2(saved_err_, 2), ::close(saved_err_);
  }
  Silence(const Silence&) = delete;
  Silence& operator=(const Silence&) = delete;

 private:
  int saved_out_ = -1, saved_err_ = -1;
};

bool satisfies(const FleetProblem& p, const std::vector<long long>& steps) {
  std::vector<double> supply(p.demand.size(), 0.0);
  for (std::size_t i = 0; i < p.options.size(); ++i)
    supply[static_cast<std::size_t>(p.options[i].workload)] += p.options[i].supply_per_step * static_cast<double>(steps[i]);
  for (std::size_t w = 0; w < p.demand.size(); ++w)
    if (supply[w] + kTolerance * std::max(1.0, p.demand[w]) < p.demand[w]) return false;
  for (const auto& c : p.constraints)
    if (constraint_load(c, steps) > c.limit + kTolerance * std::max(1.0, std::fabs(c.limit))) return false;
  return true;
}

double objective_of(const FleetProblem& p, const std::vector<long long>& steps) {
  double sum = 0;
  for (std::size_t i = 0; i < p.options.size(); ++i) sum += p.options[i].objective_per_step * static_cast<double>(steps[i]);
  return sum;
}

// When every option of every workload meets its demand in one step (a
// training cluster), costs and loads are non-negative, the best plan takes
// one option per workload: extra steps only add cost and load. Each
// workload's cheapest option that fits every limit on its own is then a lower
// bound; when those choices fit together they are the optimum, found without
// the solver (a sweep makes thousands of such plans). Otherwise: nullopt.
std::optional<FleetSolution> solve_one_step_each(const FleetProblem& p) {
  for (const auto& o : p.options)
    if (o.max_steps < 1 || o.objective_per_step < 0 ||
        o.supply_per_step + kTolerance * std::max(1.0, p.demand[static_cast<std::size_t>(o.workload)]) <
            p.demand[static_cast<std::size_t>(o.workload)])
      return std::nullopt;
  for (const auto& c : p.constraints)
    for (const auto& term : c.terms)
      if (term.second < 0) return std::nullopt;
  // Each option's own load on each constraint must fit.
  std::vector<bool> fits(p.options.size(), true);
  for (const auto& c : p.constraints)
    for (const auto& [option, coefficient] : c.terms)
      if (coefficient > c.limit + kTolerance * std::max(1.0, std::fabs(c.limit))) fits[static_cast<std::size_t>(option)] = false;
  std::vector<long long> steps(p.options.size(), 0);
  std::vector<int> best(p.demand.size(), -1);
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    auto& b = best[static_cast<std::size_t>(p.options[i].workload)];
    if (fits[i] && (b < 0 || p.options[i].objective_per_step < p.options[static_cast<std::size_t>(b)].objective_per_step))
      b = static_cast<int>(i);
  }
  for (std::size_t w = 0; w < best.size(); ++w) {
    if (best[w] >= 0) steps[static_cast<std::size_t>(best[w])] = 1;
    else if (p.demand[w] > 0) return FleetSolution{false, true, true, {}, 0, 0, 0};  // no option of this workload fits alone
  }
  if (!satisfies(p, steps)) return std::nullopt;
  const double value = objective_of(p, steps);
  return FleetSolution{true, true, true, steps, value, value, 0};
}

// Ties broken the same way every time: cost, then fewest options (sites and
// chip types) per workload, then the first option id. A workload split over
// several options (10,600 chips at one site plus 24 at another) is moved
// whole onto one of them when that meets every limit and costs no more than
// the solver's gap allows; a workload on one option moves to an earlier one
// (the plan's options are sorted by chip and site id) that costs the same.
void break_ties(const FleetProblem& p, FleetSolution& s) {
  for (std::size_t w = 0; w < p.demand.size(); ++w) {
    std::vector<std::size_t> used;
    for (std::size_t i = 0; i < p.options.size(); ++i)
      if (static_cast<std::size_t>(p.options[i].workload) == w && s.steps[i] > 0) used.push_back(i);
    if (used.empty()) continue;
    const double slack = (used.size() > 1 ? kOptimalityGap : 1e-9) * std::fabs(s.objective);
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      const auto& o = p.options[i];
      if (static_cast<std::size_t>(o.workload) != w || o.supply_per_step <= 0) continue;
      if (used.size() == 1 && i >= used.front()) break;
      const auto need = static_cast<long long>(std::ceil(p.demand[w] / o.supply_per_step - kTolerance));
      if (need > o.max_steps) continue;
      auto steps = s.steps;
      for (const auto u : used) steps[u] = 0;
      steps[i] = std::max(need, 0LL);
      const double value = objective_of(p, steps);
      if (value <= s.objective + slack && satisfies(p, steps)) {
        s.steps = steps;
        s.objective = value;
        break;
      }
    }
  }
}

}  // namespace

FleetSolution solve_fleet(const FleetProblem& p, const SolveOptions& options) {
  FleetSolution out;
  const int n = static_cast<int>(p.options.size());
  if (n == 0) {  // no option at all: infeasible, and known to be
    out.solved = true;
    return out;
  }
  if (auto quick = solve_one_step_each(p)) return *quick;
  CoinPackedMatrix matrix(false, 0, 0);
  matrix.setDimensions(0, n);
  std::vector<double> row_lower, row_upper;
  const double inf = std::numeric_limits<double>::infinity();
  // Demand rows: supply >= demand.
  for (std::size_t w = 0; w < p.demand.size(); ++w) {
    CoinPackedVector row;
    for (int i = 0; i < n; ++i)
      if (static_cast<std::size_t>(p.options[static_cast<std::size_t>(i)].workload) == w)
        row.insert(i, p.options[static_cast<std::size_t>(i)].supply_per_step);
    matrix.appendRow(row);
    row_lower.push_back(p.demand[w]);
    row_upper.push_back(inf);
  }
  for (const auto& c : p.constraints) {
    CoinPackedVector row;
    std::vector<double> dense(static_cast<std::size_t>(n), 0.0);
    for (const auto& [option, coefficient] : c.terms) dense[static_cast<std::size_t>(option)] += coefficient;
    for (int i = 0; i < n; ++i)
      if (dense[static_cast<std::size_t>(i)] != 0) row.insert(i, dense[static_cast<std::size_t>(i)]);
    matrix.appendRow(row);
    row_lower.push_back(-inf);
    row_upper.push_back(c.limit);
  }
  std::vector<double> col_lower(static_cast<std::size_t>(n), 0.0), col_upper, objective;
  for (const auto& o : p.options) {
    col_upper.push_back(static_cast<double>(o.max_steps));
    objective.push_back(o.objective_per_step);
  }
  // CbcMain0/CbcMain1 keep parameters in static storage: one solve at a time
  // (a sweep plans from several threads).
  static std::mutex cbc_mutex;
  std::lock_guard lock(cbc_mutex);
  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(matrix, col_lower.data(), col_upper.data(), objective.data(), row_lower.data(), row_upper.data());
  for (int i = 0; i < n; ++i) solver.setInteger(i);
  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  // Fleet sizes are in the thousands of chips: a plan within 0.01% of the
  // optimum is as good as the optimum, and asking for exactly the optimum
  // makes branch and bound crawl through near-equal roundings.
  // CbcMain1 runs CBC's standard strategy (preprocessing, cut generators,
  // heuristics), which plain branchAndBound() leaves out.
  const std::string seconds = std::to_string(std::max(0.05, options.max_seconds));
  const std::string gap = std::to_string(kOptimalityGap);
  const std::string log = options.verbose ? "1" : "0";
  const char* argv[] = {"clusterplan", "-log", log.c_str(), "-sec", seconds.c_str(), "-ratio", gap.c_str(), "-solve", "-quit"};
  {
    std::optional<Silence> quiet;
    if (!options.verbose) quiet.emplace();
    CbcMain0(model);
    CbcMain1(static_cast<int>(std::size(argv)), argv, model);
  }
  out.best_bound = model.getBestPossibleObjValue();
  if (!model.bestSolution()) {
    // Proven infeasible, or stopped by the time limit before any plan.
    out.solved = !model.isSecondsLimitReached();
    return out;
  }
  out.solved = true;
  out.proven_optimal = model.isProvenOptimal();
  const double* x = model.bestSolution();
  out.steps.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.steps[static_cast<std::size_t>(i)] = std::llround(x[i]);
  out.feasible = satisfies(p, out.steps);
  out.objective = objective_of(p, out.steps);
  if (out.feasible) break_ties(p, out);
  out.best_bound = std::min(out.best_bound, out.objective);
  out.gap = out.objective != 0 ? (out.objective - out.best_bound) / std::fabs(out.objective) : 0;
  return out;
}

FleetSolution brute_force_fleet(const FleetProblem& p) {
  FleetSolution best;
  std::vector<long long> steps(p.options.size(), 0);
  for (;;) {
    if (satisfies(p, steps)) {
      const double value = objective_of(p, steps);
      if (!best.feasible || value < best.objective - kTolerance) best = {true, true, true, steps, value, value, 0};
    }
    std::size_t i = 0;  // odometer over every combination
    while (i < steps.size() && steps[i] == p.options[i].max_steps) steps[i++] = 0;
    if (i == steps.size()) break;
    ++steps[i];
  }
  return best;
}

std::string_view to_string(LimitKind kind) {
  switch (kind) {
    case LimitKind::policy_cap: return "policy_cap";
    case LimitKind::site_power: return "site_power";
    case LimitKind::budget: return "budget";
    case LimitKind::max_mw: return "max_mw";
  }
  return "policy_cap";
}

void drop_dominated_rows(std::vector<FleetConstraint>& rows) {
  std::map<std::vector<std::pair<int, double>>, std::size_t> tightest;  // terms -> index in `kept`
  std::vector<FleetConstraint> kept;
  for (auto& c : rows) {
    auto terms = c.terms;
    std::sort(terms.begin(), terms.end());
    const auto [it, fresh] = tightest.emplace(std::move(terms), kept.size());
    if (fresh) kept.push_back(std::move(c));
    else if (c.limit < kept[it->second].limit) kept[it->second] = std::move(c);
  }
  rows = std::move(kept);
}

}  // namespace planner::search
