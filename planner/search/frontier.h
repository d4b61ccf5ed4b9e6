#pragma once
// The throughput-interactivity frontier of one chip and chip count: over
// every serving layout and batch that fits in memory (the SLO ignored), the
// points no other point beats on both output tokens/s per chip and tokens/s
// per user (1000 / TPOT). It is the chart serving engineers compare chips
// with; plan and compare still pick the one point that meets the SLO.

#include <array>
#include <vector>

#include "search/layout_search.h"
#include "search/plan.h"

namespace planner::search {

// Tokens/s one user sees while decoding: 1000 / TPOT in ms.
double tokens_per_s_per_user(const perf::InferenceEstimate& e);

struct InferenceFrontier {
  // Tokens/s per user strictly ascending, output tokens/s per chip strictly
  // descending: each point is faster for its users than the one before and
  // gives less per chip.
  std::vector<RankedInference> points;
  long long evaluated = 0;  // layouts evaluated
  long long running = 0;    // of them, layouts that fit in memory and break no rule
  std::array<long long, static_cast<std::size_t>(perf::Rejection::count)> rejected{};  // the others, by cause

  long long rejected_count(perf::Rejection r) const { return rejected[static_cast<std::size_t>(r)]; }
};

// The Pareto-optimal subset of `candidates` (layouts that ran), ordered as
// InferenceFrontier::points. Among points equal on both axes the first kept
// is the one with fewer chips per replica, then the lower TTFT.
std::vector<RankedInference> pareto_frontier(std::vector<RankedInference> candidates);

// Every layout of at most `max_chips` chips per replica the pins allow
// (search/inference_search.h), reduced to its frontier.
InferenceFrontier inference_frontier(const perf::InferenceModel& model, const perf::Hardware& hw, long long max_chips,
                                     const perf::InferencePins& pins);

// A serving workload's chosen chip in a plan: its frontier over layouts of at
// most the chips the plan buys of it there.
struct PlanFrontier {
  std::string workload;
  std::string chip;  // the system bought, else the accelerator
  long long count = 0;
  double slo_tpot_ms = 0;
  InferenceFrontier frontier;
};

// One PlanFrontier per serving workload, for the chip chosen for it first.
std::vector<PlanFrontier> plan_frontiers(const specs::Catalog& catalog, const PlanRequest& request,
                                         const PlanResult& plan);

}  // namespace planner::search
