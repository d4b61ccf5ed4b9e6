#pragma once
// `clusterplan report`: one self-contained HTML file (no script, no network,
// inline SVG charts, print styles) that shows a plan to people who decide:
// the chosen plan and what binds it, the runner-up and its margin, the
// domestic-vs-imported table, stacked cost bars per chip type, the chosen
// chip at every site, cost against deadline (training) or the throughput-
// interactivity frontier of the chosen chip (serving), the tornado, the
// break-evens, the assumptions and every source used. The tables are the
// plan Document's (plan_document.h), so the numbers are the JSON's.

#include <string>
#include <vector>

#include "cost/cost.h"
#include "report/plan_report.h"
#include "search/break_even.h"
#include "search/frontier.h"
#include "search/sweep.h"
#include "search/tornado.h"
#include "specs/catalog.h"

namespace planner::report {

// A TCO split into what it pays for, in USD over the job or the serving
// horizon; the parts add up to the TCO. Systems include their network.
struct CostParts {
  double chips = 0, systems = 0, facility = 0, energy = 0, rent = 0;
  double subsidy = 0;  // the refunded power bill: zero or negative
};
CostParts cost_parts(const cost::Cost& k, const cost::Assumptions& a);

struct ReportInput {
  const specs::Catalog* catalog = nullptr;
  const search::PlanRequest* request = nullptr;
  const search::PlanResult* plan = nullptr;
  PlanHeader header;
  std::vector<search::BreakEven> break_even;
  std::vector<search::TornadoBar> tornado;        // empty: not computed
  std::vector<search::SweepOutcome> deadlines;    // training: the plan at each deadline (axis: deadline in days)
  std::vector<search::PlanFrontier> serving;          // serving: the frontier of each workload's chosen chip
  std::string generated_by;                       // the command line, shown at the end
};

std::string html_report(const ReportInput& in);

}  // namespace planner::report
