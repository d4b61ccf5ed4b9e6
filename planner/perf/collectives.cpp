#include "perf/collectives.h"

#include <algorithm>

namespace planner::perf {

Link group_link(const Hardware& hw, long long n, long long stride) {
  if (n * stride <= hw.scale_up_domain) return {hw.scale_up_bytes_per_s, hw.scale_up_latency_s};
  return {hw.scale_out_bytes_per_s, hw.scale_out_latency_s};
}

double ring_gather_time(double bytes, long long n, const Link& link) {
  if (n <= 1) return 0;
  const auto chips = static_cast<double>(n);
  return (chips - 1) / chips * bytes / link.bytes_per_s + (chips - 1) * link.latency_s;
}

double ring_all_reduce_time(double bytes, long long n, const Link& link) { return 2 * ring_gather_time(bytes, n, link); }

double all_reduce_time(double bytes, long long n, const Link& link) {
  if (n <= 1) return 0;
  const auto chips = static_cast<double>(n);
  const double one_shot = 2 * link.latency_s + (chips - 1) * bytes / link.bytes_per_s;
  const double two_shot = 3 * link.latency_s + 2 * (chips - 1) / chips * bytes / link.bytes_per_s;
  return std::min({one_shot, two_shot, ring_all_reduce_time(bytes, n, link)});
}

double all_to_all_time(double bytes, long long n, const Link& link) {
  if (n <= 1) return 0;
  const auto chips = static_cast<double>(n);
  return (chips - 1) / chips * bytes / link.bytes_per_s + link.latency_s;
}

}  // namespace planner::perf
