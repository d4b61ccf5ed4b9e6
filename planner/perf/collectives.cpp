#include "perf/collectives.h"

#include <algorithm>

namespace planner::perf {

namespace {

// n chips spaced `stride` apart fit in one scale-up domain (no overflow for
// the huge counts a pinned layout may ask).
bool in_one_domain(const Hardware& hw, long long n, long long stride) {
  const long long step = std::max(1LL, stride);
  return n <= static_cast<long long>(hw.scale_up_domain) / step;
}

}  // namespace

Link group_link(const Hardware& hw, long long n, long long stride) {
  if (in_one_domain(hw, n, stride)) return {hw.scale_up_bytes_per_s, hw.scale_up_latency_s};
  return {hw.scale_out_bytes_per_s, hw.scale_out_latency_s};
}

double ring_gather_time(double bytes, long long n, const Link& link) {
  if (n <= 1) return 0;
  const auto chips = static_cast<double>(n);
  return (chips - 1) / chips * bytes / link.bytes_per_s + (chips - 1) * link.latency_s;
}

double ring_all_reduce_time(double bytes, long long n, const Link& link) { return 2 * ring_gather_time(bytes, n, link); }

double hierarchical_all_reduce_time(const Hardware& hw, double bytes, long long n, long long stride) {
  if (n <= 1) return 0;
  const Link up{hw.scale_up_bytes_per_s, hw.scale_up_latency_s};
  const Link out{hw.scale_out_bytes_per_s, hw.scale_out_latency_s};
  // Members of the group one domain holds (as group_link decides, without
  // multiplying n by the stride).
  const long long in_domain = static_cast<long long>(hw.scale_up_domain) / std::max(1LL, stride);
  if (n <= in_domain) return ring_all_reduce_time(bytes, n, up);
  if (in_domain <= 1) return ring_all_reduce_time(bytes, n, out);
  const long long domains = (n + in_domain - 1) / in_domain;  // a partial last domain paces like a full one
  return 2 * (ring_gather_time(bytes, in_domain, up) +
              ring_gather_time(bytes / static_cast<double>(in_domain), domains, out));
}

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
