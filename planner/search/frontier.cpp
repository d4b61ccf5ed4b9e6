#include "search/frontier.h"

#include <algorithm>
#include <tuple>

#include "perf/hardware.h"
#include "search/inference_search.h"

namespace planner::search {

double tokens_per_s_per_user(const perf::InferenceEstimate& e) { return 1e3 / e.tpot_ms; }

std::vector<RankedInference> pareto_frontier(std::vector<RankedInference> candidates) {
  // Fastest for users first; among equals the most per chip, then the
  // smaller replica and the lower TTFT. A sweep keeps a point only when it
  // gives strictly more per chip than every faster-for-users point kept.
  const auto key = [](const RankedInference& r) {
    return std::make_tuple(-tokens_per_s_per_user(r.estimate), -r.estimate.output_tokens_per_s_per_chip,
                           r.layout.replica_chips(), r.estimate.ttft_ms);
  };
  std::sort(candidates.begin(), candidates.end(),
            [&](const RankedInference& a, const RankedInference& b) { return key(a) < key(b); });
  std::vector<RankedInference> out;
  for (auto& r : candidates) {
    if (!out.empty() && r.estimate.output_tokens_per_s_per_chip <= out.back().estimate.output_tokens_per_s_per_chip)
      continue;
    // Equal speed for users and more per chip cannot follow a kept point (the
    // sort put the most per chip first), so this point is strictly slower.
    out.push_back(std::move(r));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

InferenceFrontier inference_frontier(const perf::InferenceModel& model, const perf::Hardware& hw, long long max_chips,
                                     const perf::InferencePins& pins) {
  InferenceFrontier out;
  std::vector<RankedInference> running;
  const auto visit = [&](const RankedInference& r) {
    if (r.estimate.rejection == perf::Rejection::none) running.push_back(r);
    else ++out.rejected[static_cast<std::size_t>(r.estimate.rejection)];
  };
  out.evaluated = for_each_inference_layout(model, hw, max_chips, pins, visit, [] {});
  out.running = static_cast<long long>(running.size());
  out.points = pareto_frontier(std::move(running));
  return out;
}

std::vector<PlanFrontier> plan_frontiers(const specs::Catalog& catalog, const PlanRequest& request,
                                         const PlanResult& plan) {
  std::vector<PlanFrontier> out;
  std::vector<bool> done(request.workloads.size(), false);
  for (const auto& chosen : plan.chosen) {
    const auto& c = plan.candidates[chosen.candidate];
    const auto w = static_cast<std::size_t>(c.workload);
    const auto& workload = request.workloads[w];
    if (done[w] || workload.kind != workload::Kind::inference) continue;
    done[w] = true;
    const std::string id = c.system.empty() ? c.chip : c.system;
    perf::HardwareProblem problem;
    const auto hw = perf::make_hardware(catalog, id, c.precision, problem);
    if (!hw) continue;
    out.push_back({workload.name, id, chosen.count, workload.inference.tpot_ms.value_or(0),
                   inference_frontier(perf::make_inference_model(workload), *hw, chosen.count, {})});
  }
  return out;
}

}  // namespace planner::search
