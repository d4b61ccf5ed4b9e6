#pragma once
// Round numbers for exact collective arithmetic in the perf tests: 100 GB/s
// and 5 us per step inside a domain of 8, 10 GB/s and 10 us across domains.

#include "perf/hardware.h"

namespace fixture {

inline planner::perf::Hardware round_hardware() {
  planner::perf::Hardware hw;
  hw.scale_up_bytes_per_s = 100e9;
  hw.scale_up_latency_s = 5e-6;
  hw.scale_out_bytes_per_s = 10e9;
  hw.scale_out_latency_s = 10e-6;
  hw.scale_up_domain = 8;
  return hw;
}

}  // namespace fixture
