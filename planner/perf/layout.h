#pragma once
// Parallel layouts: how a training job or a serving replica is spread over
// chips. A layout spec string ("tp=8,pp=16,recompute=full") pins some keys;
// the search fills in the rest.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace planner::perf {

enum class Recompute { none, selective, full };
std::string_view to_string(Recompute r);

// Pipeline schedule: 1F1B (interleaved when vp > 1), or DeepSeek's DualPipe
// (bidirectional: each rank holds two stages, one per direction, and overlaps
// one micro-batch's forward with another's backward).
enum class Schedule { one_f_one_b, dualpipe };

struct TrainingLayout {
  int tp = 1;  // tensor parallel
  int pp = 1;  // pipeline stages
  int dp = 1;  // data parallel replicas
  int cp = 1;  // context parallel (sequence split for attention)
  int ep = 1;  // expert parallel: over tp x cp x dp when etp = 1, within cp x dp when etp = tp
  // Expert tensor parallel (MoE layers with ep > 1): 1, the experts whole and
  // the expert ranks folded over the attention's tp x cp x dp, contiguous
  // (Megatron-Core's MoE Parallel Folding, its layout since v0.10); or tp, the
  // experts TP-split like the dense layers and ep within cp x dp, tp apart
  // (Megatron-Core's default when --expert-tensor-parallel-size is not given,
  // and the coupled layout before folding).
  int etp = 1;
  int mb = 1;  // micro-batch, in sequences
  int vp = 1;  // interleaved virtual stages per pipeline rank
  Recompute recompute = Recompute::none;
  bool sp = true;  // sequence parallelism alongside TP
  int zero = 1;    // optimizer sharding over DP: 0 none, 1 optimizer states, 2 + gradients, 3 + weights
  bool fp8_activations = false;  // FP8 training: linear-layer inputs stored in FP8 for the backward
  bool bf16_moments = false;     // Adam's momentum and variance in BF16 (8 bytes of state per parameter, not 12)
  bool a2a_overlap = true;       // the engine overlaps the expert all-to-all with another micro-batch's compute
  Schedule schedule = Schedule::one_f_one_b;

  long long chips() const { return static_cast<long long>(tp) * pp * dp * cp; }
  // "tp=8,pp=16,dp=64,cp=1,ep=1,mb=1,vp=1,recompute=none,sp=on,zero=1", then
  // etp=N, act=fp8, moments=bf16, a2a_overlap=off and schedule=dualpipe only where
  // they differ from the default.
  std::string str() const;
};

struct InferenceLayout {
  int tp = 1;         // tensor parallel for attention and dense layers
  int ep = 1;         // chips the routed experts are spread over (a replica has max(tp, ep) chips)
  int batch = 1;      // concurrent sequences per replica
  bool disagg = false;  // separate prefill and decode pools
  int redundant_experts = 0;  // extra expert copies for the balancer (EPLB), spread over the ep chips
  int chunk = 0;        // colocated: prompt tokens per attention-DP rank per iteration; 0: the family's default

  int replica_chips() const { return ep > tp ? ep : tp; }
  std::string str() const;
};

// Keys a spec pinned; absent keys are searched.
struct TrainingPins {
  std::optional<int> tp, pp, dp, cp, ep, mb, vp, zero;
  std::optional<int> etp;  // the search tries etp = 1 (folded) unless pinned
  std::optional<Recompute> recompute;
  std::optional<bool> sp;
  std::optional<bool> fp8_activations, bf16_moments, a2a_overlap;
  std::optional<Schedule> schedule;  // the search tries 1F1B only unless pinned
};

struct InferencePins {
  std::optional<int> tp, ep, batch, redundant, chunk;
  std::optional<bool> disagg;
};

// Parse "key=value,..." into pins. Problems (unknown keys with a hint, zeros,
// non-numbers, bad enum values, keys repeated) are appended to `errors`, one
// sentence each.
TrainingPins parse_training_layout(std::string_view spec, std::vector<std::string>& errors);
InferencePins parse_inference_layout(std::string_view spec, std::vector<std::string>& errors);

}  // namespace planner::perf
