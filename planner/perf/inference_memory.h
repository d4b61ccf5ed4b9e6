#pragma once
// Memory of one chip of a serving replica: weights (routed experts at their
// own precision, redundant copies included), the KV cache of its sequences
// at full length, and the workspace: activations of the largest step it
// runs, logits, and the family's fixed graph-capture, buffer and workspace
// allowance.

#include "perf/hardware.h"
#include "perf/inference.h"
#include "perf/layout.h"

namespace planner::perf {

struct ServingMemory {
  double weights_bytes = 0;
  double kv_bytes = 0;         // paged: the mean context held by sequences in flight
  double workspace_bytes = 0;
  double kv_read_bytes = 0;    // read per decode step, at the mean context

  double total() const { return weights_bytes + kv_bytes + workspace_bytes; }
};

// `chunk_tokens` is the prompt tokens per attention-DP rank in a prefill pass.
ServingMemory serving_memory(const InferenceModel& m, const Hardware& hw, const InferenceLayout& l,
                             double chunk_tokens);

}  // namespace planner::perf
