#pragma once
// The serving layouts a search visits: every tp (powers of two up to 64) the
// pins allow, ep (MoE) in multiples of tp up to the experts, colocated or
// disaggregated prefill, and batches per replica from 1 up (two per octave).
// Shared by the best-layout search (search_inference) and the frontier
// (search/frontier.h), so both see the same layouts.

#include <functional>

#include "search/layout_search.h"

namespace planner::search {

// Evaluates every layout of at most `max_chips` chips per replica the pins
// allow and calls `visit` with each, batches ascending within each (tp, ep,
// disagg) family; `family_done` is called after a family's last batch. A
// family's batches stop at its first memory rejection (larger batches need
// more memory still) and at a divisibility rejection (no batch fixes it).
// Returns the number of layouts evaluated.
long long for_each_inference_layout(const perf::InferenceModel& model, const perf::Hardware& hw, long long max_chips,
                                    const perf::InferencePins& pins,
                                    const std::function<void(const RankedInference&)>& visit,
                                    const std::function<void()>& family_done);

}  // namespace planner::search
