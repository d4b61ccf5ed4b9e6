#include <algorithm>
#include <cmath>
#include <optional>

#include "search/inference_search.h"

namespace planner::search {

using perf::InferenceLayout;
using perf::Rejection;

namespace {

// Largest values tried when not pinned.
constexpr int kMaxTp = 64;
constexpr int kMaxEp = 1024;
constexpr int kMaxBatch = 1 << 20;

// 1, 2, 3, 4, 6, 8, 12, 16, ...: two candidates per octave.
std::vector<int> batch_candidates(int limit) {
  std::vector<int> out;
  for (long long v = 1; v <= limit; v *= 2) {
    out.push_back(static_cast<int>(v));
    if (v >= 2 && v + v / 2 <= limit) out.push_back(static_cast<int>(v + v / 2));
  }
  return out;
}

bool better(const RankedInference& a, const RankedInference& b) {
  const auto& x = a.estimate;
  const auto& y = b.estimate;
  if (x.output_tokens_per_s_per_chip != y.output_tokens_per_s_per_chip)
    return x.output_tokens_per_s_per_chip > y.output_tokens_per_s_per_chip;
  if (a.layout.replica_chips() != b.layout.replica_chips()) return a.layout.replica_chips() < b.layout.replica_chips();
  return x.tpot_ms < y.tpot_ms;
}

}  // namespace

long long for_each_inference_layout(const perf::InferenceModel& model, const perf::Hardware& hw, long long max_chips,
                                    const perf::InferencePins& pins,
                                    const std::function<void(const RankedInference&)>& visit,
                                    const std::function<void()>& family_done) {
  long long evaluated = 0;
  const auto& c = model.costs;
  std::vector<int> tps;
  if (pins.tp) tps = {*pins.tp};
  else
    for (int tp = 1; tp <= std::min<long long>(kMaxTp, max_chips); tp *= 2) tps.push_back(tp);
  const std::vector<bool> disaggs = pins.disagg ? std::vector<bool>{*pins.disagg} : std::vector<bool>{false, true};
  const std::vector<int> batches = pins.batch ? std::vector<int>{*pins.batch} : batch_candidates(kMaxBatch);
  for (const int tp : tps) {
    std::vector<int> eps = {1};
    if (pins.ep) eps = {*pins.ep};
    else if (c.moe_layers > 0)
      for (long long ep = 2L * tp; ep <= std::min<long long>({kMaxEp, max_chips, c.experts}); ep *= 2) eps.push_back(static_cast<int>(ep));
    for (const int ep : eps) {
      InferenceLayout layout{tp, ep, 1, false};
      // Redundant experts: one per EP rank, as DeepSeek and SGLang deploy EPLB, unless pinned.
      layout.redundant_experts = pins.redundant ? *pins.redundant : (ep > 1 ? ep : 0);
      layout.chunk = pins.chunk.value_or(0);
      if (layout.replica_chips() > max_chips) continue;
      for (const bool disagg : disaggs) {
        layout.disagg = disagg;
        for (const int batch : batches) {
          layout.batch = batch;
          ++evaluated;
          const RankedInference r{layout, perf::evaluate_inference(model, hw, layout)};
          visit(r);
          const Rejection why = r.estimate.rejection;
          if (why == Rejection::memory || why == Rejection::divisibility) break;
        }
        family_done();
      }
    }
  }
  return evaluated;
}

InferenceSearch search_inference(const perf::InferenceModel& model, const perf::Hardware& hw, long long max_chips,
                                 const perf::InferencePins& pins, int keep) {
  InferenceSearch out;
  const std::size_t kept = static_cast<std::size_t>(std::max(1, keep));
  std::optional<RankedInference> family_best;  // the best batch of this tp, ep, disagg
  const auto visit = [&](const RankedInference& r) {
    Rejection why = r.estimate.rejection;
    if (why == Rejection::none && r.estimate.slo_missed) why = Rejection::slo;
    if (why == Rejection::none) {
      if (!family_best || better(r, *family_best)) family_best = r;
      return;
    }
    ++out.rejected[static_cast<std::size_t>(why)];
    if (why == Rejection::memory) {
      auto& miss = out.nearest_memory_miss;
      const auto ratio = [](const RankedInference& x) {
        return x.estimate.memory_bytes_per_chip / x.estimate.usable_memory_bytes;
      };
      if (!miss || ratio(r) < ratio(*miss)) miss = r;
    }
    if (why == Rejection::slo && (!out.nearest_slo_miss || r.estimate.tpot_ms < out.nearest_slo_miss->estimate.tpot_ms))
      out.nearest_slo_miss = r;
    if (why == Rejection::divisibility && !out.first_rule_broken) out.first_rule_broken = r.layout;
  };
  const auto family_done = [&] {
    auto& best = out.best;
    if (family_best && (best.size() < kept || better(*family_best, best.back()))) {
      best.insert(std::upper_bound(best.begin(), best.end(), *family_best, better), *family_best);
      if (best.size() > kept) best.pop_back();
    }
    family_best.reset();
  };
  out.evaluated = for_each_inference_layout(model, hw, max_chips, pins, visit, family_done);
  return out;
}

}  // namespace planner::search
