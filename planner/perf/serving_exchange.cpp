#include "perf/serving_exchange.h"

#include <algorithm>
#include <cmath>

namespace planner::perf {

namespace {

// DeepEP: FP8 dispatch with one FP32 scale per 128 values; BF16 combine.
constexpr double kDispatchBytesPerValue = 1 + 4.0 / 128;
constexpr double kCombineBytesPerValue = 2;

}  // namespace

double distinct_hits(double bins, double draws) {
  if (bins <= 1) return std::min(bins, draws);
  return bins * (1 - std::pow(1 - 1 / bins, draws));
}

double expert_exchange_time(const Hardware& hw, const ExchangeInput& in) {
  if (in.ep <= 1 || in.tokens_per_chip <= 0) return 0;
  const double ep = in.ep;
  const double domain = std::min<double>(std::max(1, hw.scale_up_domain), ep);
  const double domains = std::ceil(ep / domain);
  // Destination chips of one token (self excluded), split by fabric.
  const double chips_hit = distinct_hits(ep, in.top_k);
  const double local_peers = chips_hit * (domain - 1) / ep;
  const double remote_chips = chips_hit * (ep - domain) / ep;
  // Copies over RDMA and over the scale-up fabric per token.
  double rdma_copies = 0;
  double scale_up_copies = local_peers;
  if (domains > 1) {
    if (in.low_latency) rdma_copies = remote_chips;
    else {
      rdma_copies = distinct_hits(domains, in.top_k) * (domains - 1) / domains;
      scale_up_copies += remote_chips;  // forwarded inside the destination domain
    }
  }
  auto one_way = [&](double bytes_per_value) {
    const double token_bytes = in.tokens_per_chip * in.hidden * bytes_per_value * in.receive_imbalance;
    const double rdma_s = domains > 1 ? rdma_copies * token_bytes / hw.scale_out_bytes_per_s + hw.scale_out_latency_s : 0;
    const double up_s = scale_up_copies * token_bytes / hw.scale_up_bytes_per_s + hw.scale_up_latency_s;
    return std::max(rdma_s, up_s);
  };
  return one_way(kDispatchBytesPerValue) + one_way(kCombineBytesPerValue);
}

}  // namespace planner::perf
