#pragma once
// Losses that grow with the number of chips in one job, beyond the modelled
// communication: stragglers (every synchronous step waits for its slowest
// chip) and synchronisation across a deeper network.

#include "perf/hardware.h"

namespace planner::perf {

// Fraction of a step's time added on `chips` chips: hw.straggler_per_doubling
// for each doubling past hw.straggler_onset_chips, 0 at or below it.
double straggler_slowdown(const Hardware& hw, double chips);

}  // namespace planner::perf
