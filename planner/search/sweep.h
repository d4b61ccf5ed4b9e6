#pragma once
// Sweeps: the plan re-made over a grid of inputs (electricity price, subsidy,
// cap, deadline, demand, chip price, efficiency, cost of capital, PUE), each
// point a pure call of make_plan on a varied copy of the catalog and request.
// Points run on a thread pool; results come back in grid order, so output
// never depends on the number of threads. A grid can be cut into shards
// (contiguous slices) whose outputs concatenate to the whole.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "search/plan.h"

namespace planner::search {

enum class SweepKey {
  electricity, electricity_at, subsidy, cap, deadline, demand, chip_price, price_of, efficiency, cost_of_capital, pue,
  pue_at
};

// What a key means, in the words and units `--help` prints.
struct SweepKeyInfo {
  SweepKey key;
  std::string_view name;   // "electricity"; price_of is written "price:CHIP", electricity_at "electricity:SITE"
  std::string_view unit;   // "USD/kWh"
  std::string_view meaning;
  double min = 0, max = 0;  // values outside are refused
  bool resizes = false;     // the point must size chips afresh (deadline, efficiency)
};
const std::vector<SweepKeyInfo>& sweep_keys();

struct SweepAxis {
  SweepKey key = SweepKey::electricity;
  std::string name;  // as the user wrote it: "electricity", "price:h200-sxm"
  std::string chip;  // price_of: the accelerator id
  std::string site;  // electricity_at, pue_at: the site id
  double lo = 0, hi = 0;
  int points = 1;
  double value(int i) const;  // lo + (hi - lo) i / (points - 1); lo when points == 1
};

// Parses "KEY=LO..HI:N" (N points, N >= 1; "KEY=V" is one point). Returns
// the problem in words, or "" and fills `axis`.
std::string parse_axis(std::string_view text, SweepAxis& axis);

// The K-th of N contiguous slices of a grid (1-based).
struct Shard {
  long long index = 1;
  long long count = 1;
};
std::string parse_shard(std::string_view text, Shard& shard);

// Points in the grid: the product of the axes' point counts (0 past 10^8).
long long grid_size(const std::vector<SweepAxis>& axes);
// The values of point `index` (row-major: the last axis varies fastest).
std::vector<double> grid_point(const std::vector<SweepAxis>& axes, long long index);
// [first, last) of the grid that `shard` covers.
std::pair<long long, long long> shard_range(long long total, const Shard& shard);

// The catalog, request and scenario of one point. `request.scenario` points
// into `scenario` when the point changes a cap; keep the struct in place.
struct VariedPlan {
  specs::Catalog catalog;
  PlanRequest request;
  std::optional<policy::Scenario> scenario;
};
// Applies `values` (one per axis) to copies of `catalog` and `request`.
// Returns a problem in words ("price:x: no accelerator x"), or "".
std::string vary(const specs::Catalog& catalog, const PlanRequest& request, const std::vector<SweepAxis>& axes,
                 const std::vector<double>& values, VariedPlan& out);
// Checks every axis against the catalog and request without planning.
std::string check_axes(const specs::Catalog& catalog, const PlanRequest& request, const std::vector<SweepAxis>& axes);

// What a sweep keeps of each point's plan.
struct SweepChoice {
  std::string workload;
  std::string chip, system, site;
  long long count = 0;
  std::string layout;
  double days = 0;                 // training
  double output_tokens_per_s = 0;  // serving
  double capex_usd = 0;
  double tco_usd = 0;       // lifetime TCO of the cluster
  double job_cost_usd = 0;  // the job's share (training) or the serving horizon's
  double usd_per_chip_hour = 0;
  double energy_usd_per_year = 0;
  double power_mw = 0;
  double usd_per_run = 0;             // training
  double usd_per_million_tokens = 0;  // serving
};
struct SweepOutcome {
  long long index = 0;
  std::vector<double> values;  // one per axis
  bool feasible = false;
  std::string problem;         // when not feasible: the first binding limit, or the request's problem
  std::vector<SweepChoice> choices;
  double total_capex_usd = 0;
  double total_tco_usd = 0;
  double total_job_cost_usd = 0;
  double total_power_mw = 0;
};

// Summarises one plan the way a sweep row shows it.
SweepOutcome summarise(const PlanRequest& request, const PlanResult& result);

struct SweepOptions {
  int threads = 1;
  // Called now and then from the calling thread with points done so far.
  std::function<void(long long done, long long total)> progress;
};

// Plans every point of [first, last) of the grid.
std::vector<SweepOutcome> run_sweep(const specs::Catalog& catalog, const PlanRequest& request,
                                    const std::vector<SweepAxis>& axes, long long first, long long last,
                                    const SweepOptions& options);

}  // namespace planner::search
