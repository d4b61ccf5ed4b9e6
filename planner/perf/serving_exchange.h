#pragma once
// The expert-parallel exchange of one MoE layer: dispatch (tokens to the
// chips holding their experts) and combine (expert outputs back), priced by
// destination as DeepEP does. Inside a scale-up domain every copy crosses
// the scale-up fabric; across domains, decode's low-latency kernels send a
// token once to each remote chip over RDMA, prefill's normal kernels send it
// once to each remote domain over RDMA and forward it over the scale-up
// fabric. Dispatch is FP8 (with a 4-byte scale per 128 values), combine BF16.

#include "perf/hardware.h"

namespace planner::perf {

struct ExchangeInput {
  double tokens_per_chip = 0;  // tokens a chip dispatches in this step
  double hidden = 0;           // model width
  int top_k = 0;               // routed experts per token
  int ep = 1;                  // chips the experts spread over
  bool low_latency = true;     // decode kernels (per remote chip) or normal (per remote domain)
  double receive_imbalance = 1;  // busiest rank's received load over the mean
};

// Expected distinct bins hit by `draws` uniform draws over `bins`.
double distinct_hits(double bins, double draws);

// Seconds per MoE layer for dispatch plus combine on the busiest chip.
double expert_exchange_time(const Hardware& hw, const ExchangeInput& in);

}  // namespace planner::perf
