#pragma once
// The planner: for each workload, every admissible chip type and site sized
// (training: the fewest chips that meet the deadline; serving: replicas at the
// SLO) and priced; then one mixed-integer program chooses counts per chip and
// site under the coupled limits (per-customer caps and country quotas across
// sites, power per site, budget). An impossible request comes back with what
// binds, by how much, and the cheapest ways out.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cost/cost.h"
#include "policy/policy.h"
#include "search/fleet.h"
#include "search/sizing.h"
#include "specs/catalog.h"
#include "workload/workload.h"

namespace planner::search {

// What a plan minimises: a job's cost (training: its days of the yearly cost
// of ownership; serving: the serving horizon of it), the clusters' lifetime
// TCO, training time (serving: job cost), energy or carbon.
enum class Objective { job_cost, lifetime_tco, time, energy, carbon };

// Remembers how each workload was sized on each chip type, so that plans which
// differ only in prices, power, policy limits or cost of capital (a sweep's
// points, a break-even's bisection) size each chip once. Valid only for one
// set of workloads, one deadline and one set of hardware rates: whoever varies
// those uses one cache per combination. Safe to share between threads.
class SizingCache;
std::shared_ptr<SizingCache> make_sizing_cache();
std::string_view to_string(Objective o);

struct PlanRequest {
  std::vector<workload::Workload> workloads;
  std::vector<std::string> chips;  // accelerator or system ids; empty: every system
  std::vector<std::string> sites;  // site ids; empty: every site
  policy::Buyer buyer;
  const policy::Scenario* scenario = nullptr;  // null: no policy
  // Whether chips that need a case-by-case export licence are assumed to get
  // one (the default) or to be refused, as under a presumption of denial.
  bool licences_granted = true;
  Objective objective = Objective::job_cost;
  std::optional<double> budget_usd;  // capex (rent when renting) of the whole plan
  std::optional<double> max_mw;      // facility power of the whole plan
  std::optional<double> deadline_days;  // overrides the workloads' deadline_days
  double batch_tolerance = perf::kDefaultBatchTolerance;  // share a layout's global batch may differ by
  cost::Assumptions assumptions;
  double serving_years = 1;  // horizon over which serving fleets are priced
  // Multiplies every chip's achievable compute rates (GEMM and attention):
  // the sensitivity of a plan to the model's efficiency constants.
  double efficiency_scale = 1;
  std::shared_ptr<SizingCache> sizing_cache;  // null: size afresh
  // Stop once every candidate is sized and priced: no fleet decision, nothing
  // chosen (a break-even compares two candidates' prices).
  bool price_only = false;
  bool verbose_solver = false;  // let CBC print its log (--verbose)
  // Serving workloads only at sites in their users' countries (plan); compare
  // sets it false, as it prices every chip at the one site it is given.
  bool serve_where_users_are = true;
  // Explain an infeasible plan and check its ways out (off while a way out is
  // itself being checked).
  bool explain_infeasible = true;
};

// A training job without a deadline is sized for this many days.
inline constexpr double kDefaultDeadlineDays = 90;

// One workload on one chip type at one site.
// A coupled limit (site power, --max-mw, --budget-usd, a policy cap or
// quota) that some candidate alone, sized for its whole workload, exceeds.
struct CoupledLimit {
  std::string id;    // "site-power/cn-gansu", "budget", "max-mw", a cap's "rule-set/cap"
  std::string text;  // what it is, as the plan's "binds" lines name it
  std::string unit;  // of the limit: "MW", "USD", "chips", "TPP", ...
  LimitKind kind = LimitKind::policy_cap;
  double limit = 0;
  bool licence_beyond = false;  // a licence-free allowance: beyond it a licence is needed, not barred
};

// One candidate over one limit; the limit is referenced, not copied, so that
// thousands of caps cost a few numbers per candidate.
struct OverLimit {
  std::size_t limit = 0;  // index into PlanResult::limits
  double needed = 0;      // in the limit's unit
  long long allowed_count = 0;  // chips within the limit (whole replicas for serving)
};

// Limits kept per candidate: a policy of thousands of caps, each exceeded,
// costs no more than this per candidate in memory and output.
inline constexpr std::size_t kMaxOverLimits = 16;

struct Candidate {
  int workload = 0;
  std::string chip;    // accelerator id
  std::string system;  // system id, or "" when the chip has none
  std::string site;
  std::string site_country;
  bool domestic = false;
  policy::Verdict verdict = policy::Verdict::allowed;
  // The buyer may have the chip here: allowed, or a licence the request assumes granted.
  bool allowed = true;
  std::vector<std::string> policy_reasons;
  bool usable = false;   // allowed (or licensable) and sized
  std::string why_not;   // when not usable
  // When usable, not chosen, and better alone than what was chosen for its
  // workload: the coupled limit that kept it out ("" otherwise).
  std::string held_by;
  // Limits this option alone, sized for the whole workload, exceeds: compare
  // shows the count each allows instead of a plain verdict.
  // The tightest kMaxOverLimits (fewest chips allowed first); the rest counted.
  std::vector<OverLimit> over_limits;
  std::size_t over_limits_omitted = 0;
  specs::Precision precision = specs::Precision::bf16;
  bool precision_fallback = false;  // the chip lacks the workload's precision
  long long step_chips = 0;   // chips per integer step: the whole cluster (training) or one replica (serving)
  long long count = 0;        // chips for the whole demand with this option alone
  std::string layout;
  long long idle_chips = 0;   // of `count`, bought in whole systems but outside every replica
  std::string idle_reason;    // why, when some idle
  double days = 0;                  // training
  double fastest_days = 0;          // training that misses its deadline: the fastest it can go (0: unknown)
  long long fastest_count = 0;      // and the chips it buys for that
  double output_tokens_per_s = 0;   // serving, with `count` chips
  cost::Cost cost;                  // of `count` chips over the job or the serving horizon
  double usd_per_run = 0;           // training: the job's cost
  double usd_per_million_tokens = 0;
  double objective = 0;             // per the request's objective
};

struct Chosen {
  std::size_t candidate = 0;  // index into PlanResult::candidates
  long long steps = 0;
  long long count = 0;        // chips
  cost::Cost cost;            // of `count` chips
  double days = 0;
  double output_tokens_per_s = 0;
  double usd_per_million_tokens = 0;
  std::vector<std::string> binding;  // what held this choice where it is
  // The candidate's verdict, or licence when the plan goes beyond a
  // licence-free allowance that counts this option.
  policy::Verdict verdict = policy::Verdict::allowed;
};

// One change to the request that may make an infeasible plan feasible; it
// is printed only once the request re-planned with it is feasible.
struct WayOut {
  std::string text;
  std::optional<double> budget_usd, max_mw, deadline_days;
  std::optional<bool> licences_granted;
};

// How much of one policy cap or quota a feasible plan uses.
struct QuotaUse {
  std::string id, text;
  std::string unit;  // "chips", "TPP", "H100-equivalents"
  double used = 0, limit = 0;
  // What a plan beyond the limit needs: banned (a hard limit, never exceeded)
  // or licence (a licence-free allowance; beyond it the plan needs a licence).
  policy::Verdict above = policy::Verdict::banned;
  bool over = false;  // used > limit (only for an allowance)
};

// What the solver did with the fleet program.
struct SolveReport {
  bool solved = false;          // a plan was found, or infeasibility proven
  bool proven_optimal = false;  // within the optimality gap
  double gap = 0;               // relative gap between the plan and the best bound
  double best_bound = 0;        // lower bound on the objective
  double seconds = 0;           // the time limit when it was reached
};

struct PlanResult {
  std::string scenario;  // id, or "none"
  std::vector<Candidate> candidates;
  std::vector<Chosen> chosen;
  bool feasible = false;
  std::vector<std::string> binding;   // when infeasible: what binds and by how much
  std::vector<std::string> ways_out;  // when infeasible: the ways out, each checked by re-planning
  std::vector<WayOut> way_out_changes;  // the change behind each of ways_out, in order
  std::vector<std::string> hints;     // when infeasible: advice that is not one checked change
  std::vector<QuotaUse> quotas;       // when feasible: every cap and quota that counts a chosen option
  std::vector<CoupledLimit> limits;   // the limits some candidate alone exceeds (Candidate::over_limits)
  SolveReport solve;
  std::vector<std::string> notes;     // facts about the request the plan assumed (users' country)
  double total_capex_usd = 0;
  double total_tco_usd = 0;       // lifetime TCO of the chosen clusters
  double total_job_cost_usd = 0;  // the jobs' shares of it
  double total_power_mw = 0;
};

// Problems with the request itself (unknown ids) go to `problems`; an
// infeasible plan is a result, not a problem.
PlanResult make_plan(const specs::Catalog& catalog, const PlanRequest& request, std::vector<std::string>& problems);

// `request` with one way out applied.
PlanRequest with_change(const PlanRequest& request, const WayOut& change);

}  // namespace planner::search
