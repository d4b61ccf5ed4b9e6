#pragma once
// The options `plan`, `compare` and `sweep` share: chips, buyer, policy,
// licences, objective, deadline, cost assumptions, budget and power; and the
// reading of them, with the workload files, into a PlanRequest.

#include <string>
#include <vector>

#include "cli/app.h"
#include "policy/policy.h"
#include "search/plan.h"
#include "workload/workload.h"

namespace planner::cli {

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_ids(const std::string& text);

// The comma-separated ids of option `option` into `ids`; reports and returns
// false for an empty list or an empty id (--sites "" and --chips "," used to
// mean "every site" and "every chip"; issue 13).
bool read_ids_option(Context& ctx, const char* option, std::vector<std::string>& ids);

void add_policy_and_cost_options(po::options_description& desc);

// A bounded number option; reports and returns false when outside [lo, hi].
bool check_bound(Context& ctx, const char* name, double value, double lo, double hi);

// What a request was read from; the request's scenario points into `policies`.
struct Loaded {
  std::vector<workload::Workload> workloads;
  policy::PolicySet policies;
};

// Reads the workload files and the request's options into `request`; prints
// problems and returns false on bad input.
bool read_request(Context& ctx, const specs::Catalog& catalog, const std::vector<std::string>& workload_files,
                  Loaded& loaded, search::PlanRequest& request);

}  // namespace planner::cli
