#include "search/layout_search.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace planner::search {

using perf::Recompute;
using perf::Rejection;
using perf::TrainingLayout;

namespace {

// Largest values the search tries when a key is not pinned.
constexpr int kMaxTp = 64;
constexpr int kMaxCp = 32;
constexpr int kMaxMicroBatch = 16;
constexpr int kMaxVirtualStages = 8;

std::vector<int> powers_of_two_up_to(long long limit) {
  std::vector<int> out;
  for (long long v = 1; v <= limit; v *= 2) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<long long> divisors(long long n) {
  std::vector<long long> small, large;
  for (long long d = 1; d * d <= n; ++d) {
    if (n % d != 0) continue;
    small.push_back(d);
    if (d != n / d) large.push_back(n / d);
  }
  small.insert(small.end(), large.rbegin(), large.rend());
  return small;
}

std::vector<int> pinned_or(const std::optional<int>& pin, std::vector<int> candidates) {
  if (pin) return {*pin};
  return candidates;
}

// Pipeline depths: divisors of the layer count and powers of two up to it.
std::vector<int> pipeline_candidates(int layers) {
  std::vector<int> out = powers_of_two_up_to(layers);
  for (const auto d : divisors(layers)) out.push_back(static_cast<int>(d));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// True when `a` ranks before `b`: faster, then fewer chips, then less memory.
bool faster(const RankedTraining& a, const RankedTraining& b) {
  if (a.estimate.tokens_per_s != b.estimate.tokens_per_s) return a.estimate.tokens_per_s > b.estimate.tokens_per_s;
  if (a.layout.chips() != b.layout.chips()) return a.layout.chips() < b.layout.chips();
  return a.estimate.memory.total() < b.estimate.memory.total();
}

class Collector {
 public:
  Collector(TrainingSearch& out, int keep, double stop_at)
      : out_(out), keep_(static_cast<std::size_t>(std::max(1, keep))), stop_at_(stop_at) {}

  bool done() const { return out_.stopped_early; }

  // Evaluates one layout and records it; returns its rejection.
  Rejection visit(const perf::TrainingModel& model, const perf::Hardware& hw, const TrainingLayout& layout) {
    ++out_.evaluated;
    RankedTraining r{layout, perf::evaluate_training(model, hw, layout)};
    const Rejection why = r.estimate.rejection;
    if (why != Rejection::none) {
      ++out_.rejected[static_cast<std::size_t>(why)];
      if (why == Rejection::memory) note_memory_miss(r);
      else if (!out_.first_rule_broken) out_.first_rule_broken = layout;
      return why;
    }
    auto& best = out_.best;
    if (r.estimate.tokens_per_s >= stop_at_) out_.stopped_early = true;
    if (best.size() < keep_ || faster(r, best.back())) {
      best.insert(std::upper_bound(best.begin(), best.end(), r, faster), r);
      if (best.size() > keep_) best.pop_back();
    }
    return why;
  }

  bool full() const { return out_.best.size() >= keep_; }
  // Tokens/s a layout must beat to enter the list.
  double threshold() const { return out_.best.back().estimate.tokens_per_s; }

 private:
  void note_memory_miss(const RankedTraining& r) {
    auto& miss = out_.nearest_memory_miss;
    const double overshoot = r.estimate.memory.total() / r.estimate.usable_memory_bytes;
    if (!miss || overshoot < miss->estimate.memory.total() / miss->estimate.usable_memory_bytes) miss = r;
  }

  TrainingSearch& out_;
  std::size_t keep_;
  double stop_at_;
};

// Tries the memory-saving modes for one layout, cheapest first, stopping at
// the first that fits: every later mode with the same or more saving is slower.
// Returns the last mode's rejection: `memory` means even the most saving mode
// did not fit.
Rejection visit_modes(Collector& collector, const perf::TrainingModel& model, const perf::Hardware& hw,
                      TrainingLayout layout, const perf::TrainingPins& pins) {
  const std::vector<int> zeros = pins.zero ? std::vector<int>{*pins.zero} : std::vector<int>{1, 3};
  const std::vector<Recompute> modes =
      pins.recompute ? std::vector<Recompute>{*pins.recompute}
                     : std::vector<Recompute>{Recompute::none, Recompute::selective, Recompute::full};
  std::size_t fitted_at = modes.size();  // first recompute mode that fitted with a smaller zero stage
  for (const int zero : zeros) {
    for (std::size_t i = 0; i < std::min(fitted_at, modes.size()); ++i) {
      layout.zero = zero;
      layout.recompute = modes[i];
      const Rejection why = collector.visit(model, hw, layout);
      if (why == Rejection::none) {
        fitted_at = i;
        break;
      }
      if (why != Rejection::memory) return why;  // rules do not depend on the mode
    }
    if (fitted_at == 0) return Rejection::none;
  }
  return fitted_at < modes.size() ? Rejection::none : Rejection::memory;
}

}  // namespace

TrainingSearch search_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long max_chips,
                               const perf::TrainingPins& pins, int keep, double stop_at_tokens_per_s) {
  TrainingSearch out;
  Collector collector(out, keep, stop_at_tokens_per_s);
  const auto& c = model.costs;
  const auto batch = static_cast<long long>(model.batch_sequences);
  const auto seq = static_cast<long long>(model.seq_len);
  const auto tps = pinned_or(pins.tp, powers_of_two_up_to(std::min<long long>(kMaxTp, max_chips)));
  const auto pps = pinned_or(pins.pp, pipeline_candidates(c.layers));
  const auto cps = pinned_or(pins.cp, powers_of_two_up_to(std::min<long long>(kMaxCp, seq)));
  const auto batch_divisors = divisors(batch);
  // Seconds per token per chip no layout can beat: every GEMM FLOP (forward
  // and backward) at the GEMM rate, every attention FLOP at the attention rate
  // (FlashAttention's backward is 2.5x its forward), nothing else.
  const double attention_passes = model.flash_attention ? 3.5 : 3.0;
  const double gemm_forward = model.forward_flops_per_token - model.attention_forward_flops_per_token;
  const double min_chip_seconds_per_token = 3 * gemm_forward / hw.matmul_flops +
                                            attention_passes * model.attention_forward_flops_per_token / hw.attention_flops;
  for (const int tp : tps) {
    for (const int cp : cps) {
      for (const int pp : pps) {
        const long long model_chips = static_cast<long long>(tp) * cp * pp;
        if (model_chips > max_chips) continue;
        std::vector<int> dps;
        if (pins.dp) dps = {*pins.dp};
        else
          for (auto d = batch_divisors.rbegin(); d != batch_divisors.rend(); ++d)  // most chips first
            if (*d * model_chips <= max_chips) dps.push_back(static_cast<int>(*d));
        for (const int dp : dps) {
          if (model_chips * dp > max_chips) continue;
          // Bound: once `keep` layouts are known, skip chip groups that could
          // not enter the list even at the bound above.
          const double chips = static_cast<double>(model_chips * dp);
          const double upper_tokens_per_s = chips / min_chip_seconds_per_token;
          if ((collector.full() && upper_tokens_per_s < collector.threshold()) ||
              (std::isfinite(stop_at_tokens_per_s) && upper_tokens_per_s < stop_at_tokens_per_s)) {
            ++out.pruned;
            continue;
          }
          std::vector<int> eps = {1};
          if (pins.ep) eps = {*pins.ep};
          else if (c.moe_layers > 0)
            eps = powers_of_two_up_to(std::gcd(static_cast<long long>(c.experts), static_cast<long long>(dp) * cp));
          std::vector<int> mbs;
          if (pins.mb) mbs = {*pins.mb};
          else
            for (const auto d : divisors(std::max<long long>(1, batch / dp)))
              if (d <= kMaxMicroBatch) mbs.push_back(static_cast<int>(d));
          const int per_stage = (c.layers + pp - 1) / pp;
          std::vector<int> vps;
          if (pins.vp) vps = {*pins.vp};
          else
            for (int v = 1; v <= std::min(kMaxVirtualStages, pp > 1 ? per_stage : 1); ++v)
              if (per_stage % v == 0) vps.push_back(v);
          for (const int ep : eps)
            for (const int vp : vps)
              for (const int mb : mbs) {  // ascending: memory never falls as mb grows
                TrainingLayout layout;
                layout.tp = tp, layout.pp = pp, layout.dp = dp, layout.cp = cp;
                layout.ep = ep, layout.mb = mb, layout.vp = vp;
                layout.sp = pins.sp.value_or(true);
                if (visit_modes(collector, model, hw, layout, pins) == Rejection::memory) break;
                if (collector.done()) return out;
              }
        }
      }
    }
  }
  return out;
}

}  // namespace planner::search
