#pragma once
// Collective communication times. A group of n chips placed with a stride
// between members lies inside one scale-up domain when stride x n fits in the
// domain; otherwise its traffic crosses the scale-out network, each chip
// through its own NIC (rail-optimised), so the per-chip scale-out bandwidth
// is the bottleneck. Each fabric (NVLink, Infinity Fabric, HCCS/UB,
// InfiniBand/RoCE) has its bandwidth and per-step latency from the chip
// family's constants.

#include "perf/hardware.h"

namespace planner::perf {

struct Link {
  double bytes_per_s = 0;
  double latency_s = 0;
};

// The link a group of `n` chips spaced `stride` apart uses.
Link group_link(const Hardware& hw, long long n, long long stride);

// Ring reduce-scatter or all-gather of a `bytes` buffer over n chips:
// (n-1)/n of the buffer crosses each chip's link, in n-1 steps.
double ring_gather_time(double bytes, long long n, const Link& link);
// Ring all-reduce: a reduce-scatter then an all-gather, 2(n-1)/n of the buffer.
double ring_all_reduce_time(double bytes, long long n, const Link& link);
// All-reduce priced by message size, as serving engines choose it (vLLM's and
// TensorRT-LLM's custom all-reduce, NCCL's LL protocols): the fastest of
//  - one-shot: every chip reads the n-1 peer buffers and reduces locally,
//    two synchronisations (2 latency + (n-1) x bytes / bandwidth);
//  - two-shot: a one-step reduce-scatter then a one-step all-gather
//    (3 latency + 2(n-1)/n x bytes / bandwidth);
//  - ring: 2(n-1) steps (2(n-1) latency + 2(n-1)/n x bytes / bandwidth).
// Small decode messages (tens of KB) take the one-shot, large ones the ring.
double all_reduce_time(double bytes, long long n, const Link& link);
// Ring all-reduce over a group of n chips spaced `stride` apart that spans
// several scale-up domains, as NCCL runs it (rings through the domain's
// fabric, one crossing per domain and NIC): the g members inside one domain
// reduce-scatter over the scale-up fabric, each then exchanges its 1/g share
// with its peers in the other n/g domains over its own NIC, and the
// all-gather retraces both. A group inside one domain is a plain ring there;
// one member per domain (stride >= domain) a plain ring over scale-out.
double hierarchical_all_reduce_time(const Hardware& hw, double bytes, long long n, long long stride);
// All-to-all where each chip sends `bytes` in all, (n-1)/n of it to others.
double all_to_all_time(double bytes, long long n, const Link& link);

}  // namespace planner::perf
