#include "search/layout_search.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "perf/scale_effects.h"

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
    last_memory_ = r.estimate.memory;
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
  bool any_fit() const { return !out_.best.empty(); }
  // Memory of the layout visited last (valid when it passed the layout rules).
  const perf::TrainingMemory& last_memory() const { return last_memory_; }
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
  perf::TrainingMemory last_memory_;
};

// One rung of the memory-saving ladder: a recompute mode and the state and
// activation formats that cost no time (BF16 moments, FP8 activations).
struct MemoryMode {
  Recompute recompute = Recompute::none;
  bool bf16_moments = false;
  bool fp8_activations = false;
};

// The rungs the pins allow, cheapest first: each recompute mode plain, then
// with BF16 moments, then (FP8 training only) with FP8 activations too.
std::vector<MemoryMode> memory_modes(const perf::TrainingPins& pins, const perf::Hardware& hw) {
  const std::vector<Recompute> recomputes =
      pins.recompute ? std::vector<Recompute>{*pins.recompute}
                     : std::vector<Recompute>{Recompute::none, Recompute::selective, Recompute::full};
  std::vector<bool> moments = {false, true};
  if (pins.bf16_moments) moments = {*pins.bf16_moments};
  std::vector<bool> activations = {false};
  if (pins.fp8_activations) activations = {*pins.fp8_activations};
  else if (hw.bytes_per_weight < 2) activations = {false, true};
  std::vector<MemoryMode> out;
  for (const auto r : recomputes)
    for (const bool m : moments)
      for (const bool a : activations)
        if (!a || m || pins.bf16_moments) out.push_back({r, m, a});
  return out;
}

// Bytes the rung `to` can save at most against the rung `from` that needed
// `m`: BF16 moments a third of the optimizer state, FP8 activations at most
// half the activations, any recompute mode at most all of them.
double most_saving(const perf::TrainingMemory& m, const MemoryMode& from, const MemoryMode& to) {
  double saving = 0;
  if (to.bf16_moments && !from.bf16_moments) saving += m.optimizer / 3;
  if (to.recompute != from.recompute) saving += m.activations;
  else if (to.fp8_activations && !from.fp8_activations) saving += m.activations / 2;
  return saving;
}

// Tries the memory-saving modes for one layout, cheapest first, stopping at
// the first that fits: every later mode with the same or more saving is no faster.
// Returns the last mode's rejection: `memory` means even the most saving mode
// did not fit.
Rejection visit_modes(Collector& collector, const perf::TrainingModel& model, const perf::Hardware& hw,
                      TrainingLayout layout, const perf::TrainingPins& pins) {
  const std::vector<int> zeros = pins.zero ? std::vector<int>{*pins.zero} : std::vector<int>{1, 3};
  const std::vector<MemoryMode> modes = memory_modes(pins, hw);
  std::size_t fitted_at = modes.size();  // first mode that fitted with a smaller zero stage
  for (const int zero : zeros) {
    std::optional<std::size_t> missed;  // the first rung that ran out of memory at this zero stage
    perf::TrainingMemory missed_memory;
    for (std::size_t i = 0; i < std::min(fitted_at, modes.size()); ++i) {
      // Exact prune: a rung that cannot save the overshoot of one already tried is
      // not visited, once some layout fits (until then every miss is visited, so
      // that the nearest one explains an impossible request).
      if (missed && collector.any_fit() &&
          missed_memory.total() - most_saving(missed_memory, modes[*missed], modes[i]) > hw.hbm_bytes)
        continue;
      layout.zero = zero;
      layout.recompute = modes[i].recompute;
      layout.bf16_moments = modes[i].bf16_moments;
      layout.fp8_activations = modes[i].fp8_activations;
      const Rejection why = collector.visit(model, hw, layout);
      if (why == Rejection::none) {
        fitted_at = i;
        break;
      }
      if (why != Rejection::memory) return why;  // rules do not depend on the mode
      if (!missed) {
        missed = i;
        missed_memory = collector.last_memory();
      }
    }
    if (fitted_at == 0) return Rejection::none;
  }
  return fitted_at < modes.size() ? Rejection::none : Rejection::memory;
}

}  // namespace

namespace {

// A (tp, cp, pp, dp) chip group: everything that fixes the chip count.
struct Group {
  int tp = 1, cp = 1, pp = 1, dp = 1;
  long long chips() const { return static_cast<long long>(tp) * cp * pp * dp; }
};

// Group bounds that need no layout evaluated: the model state fully sharded
// (14 to 18 bytes per parameter over every chip) must fit, and the throughput can
// be no better than every FLOP at the best rate (GEMMs at the GEMM rate,
// attention at the attention rate, FlashAttention's backward 2.5x its
// forward) plus the smallest pipeline bubble any of its layouts has.
class GroupBounds {
 public:
  GroupBounds(const perf::TrainingModel& model, const perf::Hardware& hw, const perf::TrainingPins& pins)
      : model_(model), hw_(hw), pins_(pins) {
    const double attention_passes = model.flash_attention ? 3.5 : 3.0;
    const double gemm_forward = model.forward_flops_per_token - model.attention_forward_flops_per_token;
    // 6 bytes of weights and gradients plus the optimizer state: 12, or 8 with BF16 moments.
    const double optimizer_bytes = pins.bf16_moments.value_or(true) ? 8.0 : 12.0;
    state_bytes_ = (6.0 + optimizer_bytes) * model.costs.total_params();
    chip_seconds_per_token_ = 3 * gemm_forward / hw.training_matmul_flops +
                              attention_passes * model.attention_forward_flops_per_token / hw.attention_flops;
    // The output head runs at the BF16 rate whatever the precision, and each MTP
    // module adds at least its projection and another pass of the head.
    const auto& c = model.costs;
    const double head_flops = 2 * c.hidden * c.vocab;
    chip_seconds_per_token_ += 3 * head_flops * (1 / hw.training_bf16_matmul_flops - 1 / hw.training_matmul_flops);
    chip_seconds_per_token_ += c.mtp_layers * 3 *
                               (2 * (2 * c.hidden) * c.hidden / hw.training_matmul_flops +
                                head_flops / hw.training_bf16_matmul_flops);
  }

  bool state_fits(const Group& g) const { return state_bytes_ / static_cast<double>(g.chips()) <= hw_.hbm_bytes; }

  double upper_tokens_per_s(const Group& g) const {
    const auto batch = static_cast<long long>(model_.batch_sequences);
    const double most_microbatches = static_cast<double>(batch / g.dp) / (pins_.mb ? *pins_.mb : 1);
    const int most_interleaving =
        pins_.vp ? *pins_.vp : std::min(kMaxVirtualStages, (model_.costs.layers + g.pp - 1) / g.pp);
    const double least_bubble = (g.pp - 1.0) / (most_interleaving * std::max(1.0, most_microbatches));
    const double chips = static_cast<double>(g.chips());
    return chips / (chip_seconds_per_token_ * (1 + least_bubble) * (1 + perf::straggler_slowdown(hw_, chips)));
  }

 private:
  const perf::TrainingModel& model_;
  const perf::Hardware& hw_;
  const perf::TrainingPins& pins_;
  double state_bytes_ = 0;
  double chip_seconds_per_token_ = 0;
};

// Every group the pins allow on at most `max_chips` chips: tp, cp, pp, then
// dp with the most chips first.
std::vector<Group> training_groups(const perf::TrainingModel& model, long long max_chips,
                                   const perf::TrainingPins& pins) {
  std::vector<Group> out;
  const auto& c = model.costs;
  const auto tps = pinned_or(pins.tp, powers_of_two_up_to(std::min<long long>(kMaxTp, max_chips)));
  const auto pps = pinned_or(pins.pp, pipeline_candidates(c.layers));
  const auto cps = pinned_or(pins.cp, powers_of_two_up_to(std::min<long long>(kMaxCp, static_cast<long long>(model.seq_len))));
  const auto batch_divisors = divisors(static_cast<long long>(model.batch_sequences));
  for (const int tp : tps)
    for (const int cp : cps)
      for (const int pp : pps) {
        const long long model_chips = static_cast<long long>(tp) * cp * pp;
        if (model_chips > max_chips) continue;
        if (pins.dp) {
          if (model_chips * *pins.dp <= max_chips) out.push_back({tp, cp, pp, *pins.dp});
          continue;
        }
        for (auto d = batch_divisors.rbegin(); d != batch_divisors.rend(); ++d)
          if (*d * model_chips <= max_chips) out.push_back({tp, cp, pp, static_cast<int>(*d)});
      }
  return out;
}

// Visits every layout of one group: ep, vp, mb and the memory modes. Returns
// false when the collector reached its stop target.
bool search_group(Collector& collector, const perf::TrainingModel& model, const perf::Hardware& hw,
                  const perf::TrainingPins& pins, const Group& g) {
  const auto& c = model.costs;
  const auto batch = static_cast<long long>(model.batch_sequences);
  std::vector<int> eps = {1};
  if (pins.ep) eps = {*pins.ep};
  else if (c.moe_layers > 0)
    eps = powers_of_two_up_to(std::gcd(static_cast<long long>(c.experts), static_cast<long long>(g.dp) * g.cp));
  std::vector<int> mbs;
  if (pins.mb) mbs = {*pins.mb};
  else
    for (const auto d : divisors(std::max<long long>(1, batch / g.dp)))
      if (d <= kMaxMicroBatch) mbs.push_back(static_cast<int>(d));
  const int per_stage = (c.layers + g.pp - 1) / g.pp;
  std::vector<int> vps;
  if (pins.vp) vps = {*pins.vp};
  else
    for (int v = 1; v <= std::min(kMaxVirtualStages, g.pp > 1 ? per_stage : 1); ++v)
      if (per_stage % v == 0) vps.push_back(v);
  for (const int ep : eps)
    for (const int vp : vps)
      for (const int mb : mbs) {  // ascending: memory never falls as mb grows
        TrainingLayout layout;
        layout.tp = g.tp, layout.pp = g.pp, layout.dp = g.dp, layout.cp = g.cp;
        layout.ep = ep, layout.mb = mb, layout.vp = vp;
        layout.sp = pins.sp.value_or(true);
        layout.a2a_overlap = pins.a2a_overlap.value_or(true);
        if (visit_modes(collector, model, hw, layout, pins) == Rejection::memory) break;
        if (collector.done()) return false;
      }
  return true;
}

}  // namespace

TrainingSearch search_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long max_chips,
                               const perf::TrainingPins& pins, int keep, double stop_at_tokens_per_s) {
  TrainingSearch out;
  Collector collector(out, keep, stop_at_tokens_per_s);
  const GroupBounds bounds(model, hw, pins);
  for (const auto& g : training_groups(model, max_chips, pins)) {
    // Skip groups that cannot enter the kept list or reach the stop target. (Groups
    // whose state cannot fit are still visited: the nearest memory miss explains
    // an impossible request, and their layouts fail the memory check at once.)
    const double upper = bounds.upper_tokens_per_s(g);
    if ((collector.full() && upper < collector.threshold()) ||
        (std::isfinite(stop_at_tokens_per_s) && upper < stop_at_tokens_per_s)) {
      ++out.pruned;
      continue;
    }
    if (!search_group(collector, model, hw, pins, g)) break;
  }
  return out;
}

std::optional<long long> smallest_training_cluster(const perf::TrainingModel& model, const perf::Hardware& hw,
                                                   long long step, long long max_chips, double needed_tokens_per_s) {
  auto groups = training_groups(model, max_chips, {});
  const auto bought = [step](const Group& g) { return (g.chips() + step - 1) / step * step; };
  std::stable_sort(groups.begin(), groups.end(), [&](const Group& a, const Group& b) { return bought(a) < bought(b); });
  const perf::TrainingPins pins;
  const GroupBounds bounds(model, hw, pins);
  for (const auto& g : groups) {
    if (bought(g) > max_chips) break;
    // The deadline's throughput, raised for the failures a cluster this size suffers.
    const double target = needed_tokens_per_s / perf::goodput(hw, static_cast<double>(g.chips()));
    if (!bounds.state_fits(g) || bounds.upper_tokens_per_s(g) < target) continue;
    TrainingSearch scratch;
    Collector collector(scratch, 1, target);
    search_group(collector, model, hw, pins, g);
    if (scratch.stopped_early) return bought(g);
  }
  return std::nullopt;
}

}  // namespace planner::search
