#include "perf/collectives.h"

namespace planner::perf {

Link group_link(const Hardware& hw, long long n, long long stride) {
  if (n * stride <= hw.scale_up_domain) return {hw.scale_up_bytes_per_s, hw.scale_up_latency_s};
  return {hw.scale_out_bytes_per_s, hw.scale_out_latency_s};
}

double ring_gather_time(double bytes, int n, const Link& link) {
  if (n <= 1) return 0;
  return (n - 1.0) / n * bytes / link.bytes_per_s + (n - 1.0) * link.latency_s;
}

double ring_all_reduce_time(double bytes, int n, const Link& link) { return 2 * ring_gather_time(bytes, n, link); }

double all_to_all_time(double bytes, int n, const Link& link) {
  if (n <= 1) return 0;
  return (n - 1.0) / n * bytes / link.bytes_per_s + link.latency_s;
}

}  // namespace planner::perf
