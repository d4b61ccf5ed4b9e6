#include "search/fleet.h"

#include <cmath>
#include <limits>
#include <mutex>
#include <optional>

#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

namespace planner::search {

namespace {

// Supply and load comparisons tolerate rounding in the solver's doubles.
constexpr double kTolerance = 1e-6;
// Relative gap at which branch and bound stops, and its time limit; a plan
// found by the limit is returned with proven_optimal = false.
constexpr double kOptimalityGap = 1e-4;
constexpr double kMaximumSeconds = 10;

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
    else if (p.demand[w] > 0) return FleetSolution{false, true, {}, 0};  // no option of this workload fits alone
  }
  if (!satisfies(p, steps)) return std::nullopt;
  return FleetSolution{true, true, steps, objective_of(p, steps)};
}

}  // namespace

double constraint_load(const FleetConstraint& c, const std::vector<long long>& steps) {
  double sum = 0;
  for (const auto& [option, coefficient] : c.terms) sum += coefficient * static_cast<double>(steps[static_cast<std::size_t>(option)]);
  return sum;
}

FleetSolution solve_fleet(const FleetProblem& p) {
  FleetSolution out;
  const int n = static_cast<int>(p.options.size());
  if (n == 0) return out;
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
  CbcMain0(model);
  const std::string seconds = std::to_string(kMaximumSeconds);
  const std::string gap = std::to_string(kOptimalityGap);
  const char* argv[] = {"clusterplan", "-log", "0", "-sec", seconds.c_str(), "-ratio", gap.c_str(), "-solve", "-quit"};
  CbcMain1(static_cast<int>(std::size(argv)), argv, model);
  if (!model.bestSolution()) return out;
  out.proven_optimal = model.isProvenOptimal();
  const double* x = model.bestSolution();
  out.steps.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.steps[static_cast<std::size_t>(i)] = std::llround(x[i]);
  out.feasible = satisfies(p, out.steps);
  out.objective = objective_of(p, out.steps);
  return out;
}

FleetSolution brute_force_fleet(const FleetProblem& p) {
  FleetSolution best;
  std::vector<long long> steps(p.options.size(), 0);
  for (;;) {
    if (satisfies(p, steps)) {
      const double value = objective_of(p, steps);
      if (!best.feasible || value < best.objective - kTolerance) best = {true, true, steps, value};
    }
    std::size_t i = 0;  // odometer over every combination
    while (i < steps.size() && steps[i] == p.options[i].max_steps) steps[i++] = 0;
    if (i == steps.size()) break;
    ++steps[i];
  }
  return best;
}

}  // namespace planner::search
