#pragma once
// The chip groups the training search walks. A model-parallel shape
// (tp, cp, pp) and a data-parallel degree dp fix the chip count; the search
// visits groups best first (or smallest first when sizing) and skips those an
// upper bound on their throughput rules out. The bound never needs a layout
// evaluated, and it rises with dp for a given shape, so each shape's degrees
// are walked in order and the walk stops as soon as the bound falls short.

#include <optional>
#include <vector>

#include "perf/layout.h"
#include "perf/training.h"

namespace planner::search {

// Largest values the search tries when a key is not pinned.
inline constexpr int kMaxTp = 64;
inline constexpr int kMaxCp = 32;
inline constexpr int kMaxMicroBatch = 16;
inline constexpr int kMaxVirtualStages = 8;

// Every data-parallel degree up to this is tried; above it, degrees at most
// kDpStepRatio apart (plus every divisor of the global batch), so that chip
// counts of one shape are never more than 1% apart.
inline constexpr int kEveryDpUpTo = 64;
inline constexpr double kDpStepRatio = 1.01;

// 1, 2, 4, ... up to `limit`.
std::vector<int> powers_of_two_up_to(long long limit);
// The divisors of n, ascending.
std::vector<long long> divisors(long long n);

// A model-parallel shape: everything but dp.
struct Shape {
  int tp = 1, cp = 1, pp = 1;
  long long chips() const { return static_cast<long long>(tp) * cp * pp; }
};

// A (tp, cp, pp, dp) chip group.
struct Group {
  int tp = 1, cp = 1, pp = 1, dp = 1;
  Group() = default;
  Group(const Shape& s, int dp_) : tp(s.tp), cp(s.cp), pp(s.pp), dp(dp_) {}
  long long chips() const { return static_cast<long long>(tp) * cp * pp * dp; }
};

// The data-parallel degrees the search tries, ascending, none above `max_dp`:
// the pinned one, or every degree up to kEveryDpUpTo, then steps of at most
// 1%, and every divisor of the global batch. Only degrees whose replicas can
// share the global batch within its tolerance are kept.
std::vector<int> data_parallel_degrees(const perf::TrainingModel& model, long long max_dp,
                                       const std::optional<int>& pin = std::nullopt);

// Pipeline depths: every depth from 1 to the layer count (stages may hold
// unequal layer counts; the fullest one sets the pace).
std::vector<int> pipeline_depths(const perf::TrainingModel& model, const std::optional<int>& pin);

// Every (tp, cp, pp) the pins allow on at most `max_chips` chips.
std::vector<Shape> model_parallel_shapes(const perf::TrainingModel& model, long long max_chips,
                                         const perf::TrainingPins& pins);

// Whether the search tries DeepSeek's DualPipe schedule (vp = 1, an even pp)
// besides 1F1B: on MoE models, where its overlap of the expert all-to-all
// pays, unless the pins fix the schedule or an interleaving depth above 1.
bool tries_dualpipe(const perf::TrainingModel& model, const perf::TrainingPins& pins);

// Upper bounds that need no layout evaluated: every GEMM FLOP at the GEMM
// rate, every attention FLOP at the attention rate (FlashAttention's backward
// 2.5x its forward), element-wise bytes at the memory bandwidth, the fewest
// tensor-parallel collectives any mode runs, on the slowest pipeline stage
// (the output head and MTP modules on the last), plus the smallest pipeline
// bubble any layout of the group has and the straggler loss at its size. The unit
// tests check that no evaluated layout beats it.
class GroupBounds {
 public:
  GroupBounds(const perf::TrainingModel& model, const perf::Hardware& hw, const perf::TrainingPins& pins);

  // Tokens/s no layout of the group can exceed; rises with dp for a fixed
  // shape (the straggler loss grows by less than ln 2 per doubling).
  double upper_tokens_per_s(const Group& g) const;
  // The same for the group's layouts with `ep` expert ranks and micro-batches
  // of at most `largest_mb` sequences: with ep > 1 the routing imbalance,
  // grouped-GEMM padding and the least exposed expert exchange count too.
  // With `schedule`, for its layouts alone (its bubble and all-to-all overlap);
  // without, for any schedule the search tries.
  double upper_tokens_per_s(const Group& g, int ep, int largest_mb,
                            std::optional<perf::Schedule> schedule = std::nullopt) const;

 private:
  // Tokens/s of the group with per-token MoE layer compute `moe_layer_s` and
  // exposed expert exchange `moe_exchange_s`, under `schedule` or any tried.
  double bound(const Group& g, double moe_layer_s, double moe_exchange_s,
               std::optional<perf::Schedule> schedule = std::nullopt) const;
  // Seconds per token on one chip running the slowest stage of `pp` (unsplit).
  double stage_seconds_per_token(int pp, double moe_layer_s, double moe_exchange_s) const;
  // Seconds per token of the last stage's output head and MTP modules.
  double tail_seconds_per_token(double moe_layer_s) const;
  // Seconds of tensor-parallel collectives per token a chip of a `tp` group
  // exchanges on the fullest stage of `pp` (their bandwidth part).
  double tp_seconds_per_token(int tp, int pp) const;

  const perf::TrainingModel& model_;
  const perf::Hardware* hw_ = nullptr;
  const perf::TrainingPins& pins_;
  double dense_layer_s_ = 0;  // per token, one dense layer, forward + backward
  double moe_layer_s_ = 0;    // per token, one MoE layer
  double head_s_ = 0;         // per token, the output head
  double mtp_projection_s_ = 0;  // per token, one MTP module's [hidden; embedding] projection
};

}  // namespace planner::search
