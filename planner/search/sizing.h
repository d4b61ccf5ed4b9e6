#pragma once
// How many chips of one type a workload needs: for training, the fewest
// chips (in whole systems) whose best layout meets the deadline; for serving,
// the best replica layout at the SLO and its output rate. Site-independent:
// the planner prices the result at each site.

#include <optional>
#include <string>

#include "search/layout_search.h"
#include "specs/catalog.h"
#include "workload/workload.h"

namespace planner::search {

// The largest cluster the planner will size: ten million chips.
inline constexpr long long kMaxPlanChips = 10'000'000;

// A chip type as the planner buys it: the accelerator, the system it comes
// in (host power, server cost, scale-up domain) and the purchase step.
struct ChipChoice {
  std::string id;  // the id the user named (accelerator or system)
  const specs::Accelerator* chip = nullptr;
  const specs::System* system = nullptr;  // null when the accelerator has no system file
  long long step = 1;                     // chips per system
};

// The system of `id` (a system id, or the first system holding the accelerator).
std::optional<ChipChoice> choose_chip(const specs::Catalog& catalog, const std::string& id);

// The precision a chip runs a workload at: the workload's own when the chip
// has it, else the nearest wider one it has (FP8 -> INT8 for serving, else BF16).
specs::Precision precision_on(const specs::Accelerator& chip, const workload::Workload& w);

struct TrainingSizing {
  bool feasible = false;
  long long count = 0;   // chips to buy, whole systems
  RankedTraining best;   // the layout at `count`
  double days = 0;
  std::string why_not;   // when infeasible
  // Tokens/s the deadline needs and the most chips tried.
  double needed_tokens_per_s = 0;
  long long max_count_tried = 0;
  double best_days_at_max = 0;  // days reached with max_count_tried chips (0 when nothing ran)
};

// Sizes `model` on `hw`, buying in steps of `step` chips, for `deadline_days`,
// with at most `max_count` chips.
TrainingSizing size_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long step,
                             double deadline_days, long long max_count = kMaxPlanChips);

struct ServingSizing {
  bool feasible = false;
  RankedInference best;
  double output_tokens_per_s_per_chip = 0;
  long long replica_chips = 0;  // rounded up to whole systems
  std::string why_not;
};

ServingSizing size_serving(const perf::InferenceModel& model, const perf::Hardware& hw, long long step);

// The chips a serving layout needs for `demand` output tokens/s, bought in
// replicas of `replica_chips` (the layout's own chips, or more when rounded
// up to whole systems). Colocated: one pool of whole replicas. Disaggregated:
// a prefill pool and a decode pool, each of whole replicas; the total bought
// is what the two pools add up to (never the fluid rate's count rounded once).
struct ServingChips {
  long long total = 0;
  long long prefill = 0;  // 0 when colocated
  long long decode = 0;   // 0 when colocated
  double output_tokens_per_s = 0;  // what `total` chips deliver (the slower pool when disaggregated)
};
ServingChips serving_chips(const RankedInference& r, long long replica_chips, double demand_output_tokens_per_s);

}  // namespace planner::search
