#include "perf/scale_effects.h"

#include <cmath>

namespace planner::perf {

double straggler_slowdown(const Hardware& hw, double chips) {
  if (chips <= hw.straggler_onset_chips || hw.straggler_onset_chips <= 0) return 0;
  return hw.straggler_per_doubling * std::log2(chips / hw.straggler_onset_chips);
}

}  // namespace planner::perf
