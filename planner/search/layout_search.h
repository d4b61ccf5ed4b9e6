#pragma once
// Exhaustive search over training layouts for one chip and chip budget.
// Every combination of tp, pp, dp, cp, ep, mb and vp allowed by the pins (the
// values each key may take are in search/training_groups.h) is visited; for each, memory-saving modes are tried cheapest first (no
// recompute, optimizer sharding over DP) and a costlier mode (selective or
// full recompute, ZeRO-3) only when every cheaper one runs out of memory,
// since it can only be slower. Sequence parallelism is on whenever tp > 1 and
// unpinned: it saves memory at the same communication volume. Chip groups
// that could not enter the top list even at peak speed are skipped, the most
// promising visited first.

#include <array>
#include <limits>
#include <optional>
#include <vector>

#include "perf/inference.h"
#include "perf/training.h"

namespace planner::search {

struct RankedTraining {
  perf::TrainingLayout layout;
  perf::TrainingEstimate estimate;
};

struct TrainingSearch {
  std::vector<RankedTraining> best;  // fastest first; at most `keep`
  long long evaluated = 0;           // layouts the model evaluated
  // (tp, pp, cp, dp) groups skipped unevaluated: even at peak speed on every
  // chip they could not beat the layouts already kept (branch and bound).
  long long pruned = 0;
  bool stopped_early = false;  // a layout reached stop_at_tokens_per_s
  std::array<long long, static_cast<std::size_t>(perf::Rejection::count)> rejected{};  // by perf::Rejection
  // The layout that came closest to fitting in memory, when none fit.
  std::optional<RankedTraining> nearest_memory_miss;
  // The first divisibility or batch rule a pinned layout broke, when nothing ran.
  std::optional<perf::TrainingLayout> first_rule_broken;

  long long rejected_count(perf::Rejection r) const { return rejected[static_cast<std::size_t>(r)]; }
};

// What "fastest" means: the most tokens/s, or the fewest days to train
// (tokens/s at the goodput of the layout's chip count: with failures counted,
// more chips can take longer).
enum class Rank { tokens_per_s, days };

// Searches layouts using at most `max_chips` chips. `keep` is how many of the
// fastest to return. The search stops at the first layout reaching
// `stop_at_tokens_per_s` (a feasibility question: can these chips reach a
// throughput?), returning that layout; ranked by days, the target is tokens/s
// at goodput.
TrainingSearch search_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long max_chips,
                               const perf::TrainingPins& pins, int keep = 5,
                               double stop_at_tokens_per_s = std::numeric_limits<double>::infinity(),
                               Rank rank = Rank::tokens_per_s);

// The fewest chips, bought in steps of `step`, on which some layout reaches
// `needed_tokens_per_s` once failures at that size are counted, and the
// layout with the fewest days on them; nullopt when no cluster of at most
// `max_chips` does. Chip groups are tried smallest first, each searched only
// until a layout meets the target.
struct SmallestCluster {
  long long count = 0;   // chips bought, a multiple of the step
  RankedTraining fastest;  // the fewest days on at most `count` chips
};
std::optional<SmallestCluster> smallest_training_cluster(const perf::TrainingModel& model, const perf::Hardware& hw,
                                                         long long step, long long max_chips,
                                                         double needed_tokens_per_s);

struct RankedInference {
  perf::InferenceLayout layout;
  perf::InferenceEstimate estimate;
};

// Serving layouts: every tp dividing the heads, ep (MoE) in multiples of tp,
// colocated or disaggregated prefill, and for each the batch per replica
// that gives the most output tokens/s per chip within memory and the SLO.
struct InferenceSearch {
  std::vector<RankedInference> best;  // most output tokens/s per chip first
  long long evaluated = 0;
  std::array<long long, static_cast<std::size_t>(perf::Rejection::count)> rejected{};
  std::optional<RankedInference> nearest_memory_miss;  // smallest overshoot
  std::optional<RankedInference> nearest_slo_miss;     // the fits-in-memory layout with the lowest TPOT
  std::optional<perf::InferenceLayout> first_rule_broken;  // a layout no divisibility rule allows

  long long rejected_count(perf::Rejection r) const { return rejected[static_cast<std::size_t>(r)]; }
};

InferenceSearch search_inference(const perf::InferenceModel& model, const perf::Hardware& hw, long long max_chips,
                                 const perf::InferencePins& pins, int keep = 5);

}  // namespace planner::search
