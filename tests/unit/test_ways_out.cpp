// Ways out of an infeasible plan: each printed one is one change to the
// request that, applied and re-planned, gives a feasible plan; deadline ways
// out only extend the deadline and stay within --deadline-days' bounds.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plan_fixture.h"
#include "policy/loader.h"
#include "search/plan.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "workload/loader.h"

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

// The bundled catalog and policies (plan_fixture.h).
struct Loaded {
  const planner::specs::Catalog& catalog;
  const planner::policy::PolicySet& policies;
};

Loaded loaded() { return {fixture::bundled_catalog(), fixture::bundled_policies()}; }

planner::search::PlanRequest request(const std::string& example, const std::string& buyer) {
  planner::util::RealFileSystem fs;
  planner::util::Diagnostics d;
  planner::search::PlanRequest r;
  auto w = planner::workload::load_workload(fs, kRoot + "/examples/" + example, d);
  REQUIRE(w);
  r.workloads = {*w};
  r.buyer.country = buyer;
  r.scenario = loaded().policies.default_scenario();
  return r;
}

}  // namespace

TEST_SUITE("ways out") {
  TEST_CASE("every printed way out, applied, gives a feasible plan") {
    std::vector<planner::search::PlanRequest> requests;
    auto budget = request("llama3-405b-pretrain.json", "US");  // the 1e8 budget
    budget.budget_usd = 1e8;
    budget.sites = {"us-tx", "us-va"};
    requests.push_back(budget);
    auto deadline = request("llama3-405b-pretrain.json", "US");
    deadline.deadline_days = 1;
    deadline.sites = {"us-tx"};
    deadline.chips = {"hgx-h100-8", "hgx-b200-8"};
    requests.push_back(deadline);
    auto power = request("deepseek-r1-serving.json", "US");
    power.max_mw = 0.2;
    requests.push_back(power);
    auto refused = request("cn-lab-671b-moe-pretrain.json", "CN");
    refused.licences_granted = false;
    refused.sites = {"cn-east"};
    refused.chips = {"hgx-h200-8"};
    requests.push_back(refused);
    int checked = 0;
    for (const auto& r : requests) {
      std::vector<std::string> problems;
      const auto plan = planner::search::make_plan(loaded().catalog, r, problems);
      REQUIRE(problems.empty());
      REQUIRE_FALSE(plan.feasible);
      REQUIRE(plan.ways_out.size() == plan.way_out_changes.size());
      for (std::size_t i = 0; i < plan.way_out_changes.size(); ++i) {
        const auto& change = plan.way_out_changes[i];
        CAPTURE(change.text);
        CHECK(plan.ways_out[i] == change.text);
        if (change.deadline_days) {
          CHECK(*change.deadline_days > r.deadline_days.value_or(90));
          CHECK(*change.deadline_days <= 3650);
        }
        const auto applied = planner::search::make_plan(loaded().catalog, planner::search::with_change(r, change), problems);
        CHECK(applied.feasible);
        ++checked;
      }
    }
    CHECK(checked >= 4);
  }
}
