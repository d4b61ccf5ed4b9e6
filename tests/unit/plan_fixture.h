#pragma once
// For the plan and report tests: the bundled catalog and policies, and a plan request for one
// bundled example, restricted to some chips and sites.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "policy/loader.h"
#include "search/plan.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "workload/loader.h"

namespace fixture {

inline const planner::specs::Catalog& bundled_catalog() {
  static const planner::specs::Catalog loaded = [] {
    planner::util::RealFileSystem fs;
    planner::util::Diagnostics diagnostics;
    auto c = planner::specs::load_catalog(fs, {std::string(CLUSTERPLAN_SOURCE_DIR) + "/hw_specs"}, diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
    return c;
  }();
  return loaded;
}

inline const planner::policy::PolicySet& bundled_policies() {
  static const planner::policy::PolicySet loaded = [] {
    planner::util::RealFileSystem fs;
    planner::util::Diagnostics diagnostics;
    auto p = planner::policy::load_policies(fs, {std::string(CLUSTERPLAN_SOURCE_DIR) + "/hw_specs"}, diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
    return p;
  }();
  return loaded;
}

inline planner::search::PlanRequest example_request(const std::string& example, std::vector<std::string> chips,
                                                    std::vector<std::string> sites) {
  planner::util::RealFileSystem fs;
  planner::util::Diagnostics diagnostics;
  auto w = planner::workload::load_workload(fs, std::string(CLUSTERPLAN_SOURCE_DIR) + "/examples/" + example, diagnostics);
  REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
  planner::search::PlanRequest r;
  r.workloads = {*w};
  r.chips = std::move(chips);
  r.sites = std::move(sites);
  return r;
}

}  // namespace fixture
