#include "perf/expert_exchange.h"

#include <algorithm>
#include <cmath>

namespace planner::perf {

double routing_load_ratio(const TransformerCosts& c, const Hardware& hw) {
  if (c.capacity_factor > 0) return std::max(1.0, std::min(c.capacity_factor, hw.routing_imbalance));
  return std::max(1.0, hw.routing_imbalance);
}

double expert_all_to_all_time(const Hardware& hw, int ep, long long stride, double tokens, int top_k,
                              double token_bytes) {
  if (ep <= 1 || tokens <= 0) return 0;
  const auto ranks = static_cast<double>(ep);
  // Expert ranks that share the sender's scale-up domain (itself included).
  const double local = std::clamp(std::floor(hw.scale_up_domain / static_cast<double>(std::max(1LL, stride))), 1.0, ranks);
  const double copies = tokens * top_k;
  const double up_bytes_local = copies * token_bytes * (local - 1) / ranks;
  double up_s = up_bytes_local / hw.scale_up_bytes_per_s + hw.scale_up_latency_s;
  if (local >= ranks) return up_s;
  // Remote domains, each holding local/ranks of the experts: the chance a
  // token picks at least one expert there is 1 - (1 - local/ranks)^top_k.
  const double domains = std::ceil(ranks / local);
  const double per_domain_hit = 1 - std::pow(1 - local / ranks, top_k);
  const double remote_domains_per_token = (domains - 1) * per_domain_hit;
  const double out_s = tokens * remote_domains_per_token * token_bytes / hw.scale_out_bytes_per_s + hw.scale_out_latency_s;
  // Arrivals from remote domains fan out to their experts inside the domain.
  const double forwarded_bytes = copies * token_bytes * (ranks - local) / ranks;
  up_s += forwarded_bytes / hw.scale_up_bytes_per_s;
  return std::max(up_s, out_s);
}

double exposed_expert_exchange(const Hardware& hw, double exchange_s, double compute_s) {
  return exposed_expert_exchange(hw.ep_overlap, exchange_s, compute_s);
}

double exposed_expert_exchange(double overlap, double exchange_s, double compute_s) {
  return std::max(exchange_s * (1 - overlap), exchange_s - compute_s);
}

double grouped_gemm_rows(const Hardware& hw, double mean_rows, double load_ratio) {
  return mean_rows * load_ratio + hw.grouped_gemm_row_alignment / 2;
}

}  // namespace planner::perf
