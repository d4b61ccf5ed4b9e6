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

// `chips` rounded up to whole systems of `step`.
inline long long bought_chips(long long chips, long long step) { return (chips + step - 1) / step * step; }

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
  long long idle_chips = 0;  // bought but outside the layout: `count` rounds up to whole systems
  // Tokens/s the deadline needs and the most chips tried.
  double needed_tokens_per_s = 0;
  long long max_count_tried = 0;
  // When the deadline is missed: the fewest days any layout within
  // max_count_tried reaches, failures counted, and the chips it buys (0 when nothing ran).
  double best_days_at_max = 0;
  long long fastest_count = 0;
};

// Sizes `model` on `hw`, buying in steps of `step` chips, for `deadline_days`,
// with at most `max_count` chips.
TrainingSizing size_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long step,
                             double deadline_days, long long max_count = kMaxPlanChips);

// Serving replicas as they are bought: packed into whole systems (a
// system's scale-up domain), as many replicas per system as fit, or a
// replica over several whole systems.
struct ServingSizing {
  bool feasible = false;
  RankedInference best;
  // Output tokens/s per chip bought: the replica's rate diluted by idle chips.
  double output_tokens_per_s_per_chip = 0;
  long long replica_chips = 0;       // the layout's own
  long long unit_chips = 0;          // whole systems bought per unit: replicas_per_unit replicas
  long long replicas_per_unit = 0;
  long long idle_chips_per_unit = 0;  // unit_chips - replicas_per_unit x replica_chips
  std::string idle_reason;            // why chips idle, when some do
  std::string why_not;
};

// How `replica_chips` pack into systems of `step` chips.
struct Packing {
  long long replica_chips = 0;
  long long unit_chips = 0;  // whole systems
  long long replicas = 0;    // per unit
  long long idle_chips() const { return unit_chips - replicas * replica_chips; }
};
Packing pack_replicas(long long replica_chips, long long step);
// One replica per unit, no system rounding (an estimate on a given count).
inline Packing unpacked(long long replica_chips) { return {replica_chips, replica_chips, 1}; }

// `system_label` names the system in the idle-chips reason.
ServingSizing size_serving(const perf::InferenceModel& model, const perf::Hardware& hw, long long step,
                           const std::string& system_label);

// The chips a serving layout needs for `demand` output tokens/s, bought in
// replicas of `replica_chips` (the layout's own chips, or more when rounded
// up to whole systems). Colocated: one pool of whole replicas. Disaggregated:
// a prefill pool and a decode pool, each of whole replicas; the total bought
// is what the two pools add up to (never the fluid rate's count rounded once).
struct ServingChips {
  long long total = 0;    // chips bought: whole units of `packing`
  long long prefill = 0;  // chips in prefill replicas; 0 when colocated
  long long decode = 0;   // chips in decode replicas; 0 when colocated
  long long idle = 0;     // of `total`, in no replica
  double output_tokens_per_s = 0;  // what `total` chips deliver (the slower pool when disaggregated)
};
// The chips that serve `demand_output_tokens_per_s` with `r`'s replicas
// packed as `packing` (prefill and decode replicas share units).
ServingChips serving_chips(const RankedInference& r, const Packing& packing, double demand_output_tokens_per_s);

}  // namespace planner::search
