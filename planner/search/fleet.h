#pragma once
// The fleet decision as a mixed-integer program: how many steps (whole
// training clusters, or serving replicas) of each option (a chip type at a
// site, for one workload) to buy so that every workload's demand is met,
// coupled limits hold (per-customer caps and country quotas across sites,
// power per site, budget), and the objective is smallest. Solved with
// COIN-OR CBC; a brute-force solver checks it on small instances.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace planner::search {

struct FleetOption {
  int workload = 0;           // which demand this option serves
  double supply_per_step = 0; // toward the workload's demand per step
  double objective_per_step = 0;
  long long max_steps = 0;    // upper bound of the integer variable
  std::string label;          // for messages: "h200-sxm at cn-east"
};

// Where a limit comes from, for explaining it.
enum class LimitKind { policy_cap, site_power, budget, max_mw };
// "policy_cap", "site_power", "budget", "max_mw": the JSON spelling.
std::string_view to_string(LimitKind kind);

// sum over terms of coefficient x steps <= limit.
struct FleetConstraint {
  std::string id;
  std::string text;  // what it is, for messages: "per-customer cap of 75,000 H200/MI325X-class units"
  double limit = 0;
  std::vector<std::pair<int, double>> terms;  // option index, coefficient per step
  std::string unit;  // of the limit, for messages: "MW", "USD", "chips", "TPP"
  LimitKind kind = LimitKind::policy_cap;
};

struct FleetProblem {
  std::vector<double> demand;  // per workload; supply must reach it
  std::vector<FleetOption> options;
  std::vector<FleetConstraint> constraints;
};

// Of rows with the same terms (options and coefficients, in any order), only
// the tightest can bind: keeps it (the first listed on a tie) and drops the
// rest, so that a policy repeating one cap thousands of times is one row.
void drop_dominated_rows(std::vector<FleetConstraint>& rows);

struct FleetSolution {
  bool feasible = false;
  // A plan was found or the program proven infeasible; false when the time
  // limit came first with no plan, so nothing is known either way.
  bool solved = false;
  bool proven_optimal = false;  // within the 0.01% gap; false when the time limit cut the search
  std::vector<long long> steps;  // per option
  double objective = 0;
  double best_bound = 0;  // CBC's lower bound on the objective
  double gap = 0;         // (objective - best_bound) / |objective|, when feasible
};

struct SolveOptions {
  double max_seconds = 10;  // CBC's time limit
  bool verbose = false;     // let CBC print its log to stdout
};

// The time limit of one solve, seconds.
inline constexpr double kFleetSolveSeconds = 10;

FleetSolution solve_fleet(const FleetProblem& problem, const SolveOptions& options = {});
// Exhaustive, for tests: every combination of steps up to max_steps. Its
// answers are exact; solve_fleet's are within 0.01% of them.
FleetSolution brute_force_fleet(const FleetProblem& problem);

// Left-hand side of a constraint at a solution.
double constraint_load(const FleetConstraint& c, const std::vector<long long>& steps);

}  // namespace planner::search
