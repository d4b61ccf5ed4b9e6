#include "search/layout_search.h"

#include "search/training_groups.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>

namespace planner::search {

using perf::Recompute;
using perf::Rejection;
using perf::TrainingLayout;

namespace {

// What a layout is ranked by: tokens/s, or tokens/s at its goodput (the
// rate that sets the days to train, failures counted).
double score(const RankedTraining& r, Rank rank) {
  return rank == Rank::days ? r.estimate.tokens_per_s * r.estimate.goodput : r.estimate.tokens_per_s;
}

class Collector {
 public:
  Collector(TrainingSearch& out, int keep, double stop_at, Rank rank = Rank::tokens_per_s)
      : out_(out), keep_(static_cast<std::size_t>(std::max(1, keep))), stop_at_(stop_at), rank_(rank) {}

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
    if (score(r, rank_) >= stop_at_) out_.stopped_early = true;
    const auto before = [this](const RankedTraining& a, const RankedTraining& b) { return ranks_before(a, b); };
    if (best.size() < keep_ || before(r, best.back())) {
      best.insert(std::upper_bound(best.begin(), best.end(), r, before), r);
      if (best.size() > keep_) best.pop_back();
    }
    return why;
  }

  // Evaluates a layout only to learn whether it fits in memory, recording a
  // rejection but never the layout itself (the group's own walk visits it).
  bool fits(const perf::TrainingModel& model, const perf::Hardware& hw, const TrainingLayout& layout) {
    ++out_.evaluated;
    const RankedTraining r{layout, perf::evaluate_training(model, hw, layout)};
    if (r.estimate.rejection == Rejection::none) return true;
    ++out_.rejected[static_cast<std::size_t>(r.estimate.rejection)];
    if (r.estimate.rejection == Rejection::memory) note_memory_miss(r);
    else if (!out_.first_rule_broken) out_.first_rule_broken = layout;
    return r.estimate.rejection != Rejection::memory;
  }

  bool full() const { return out_.best.size() >= keep_; }
  // True when no layout of at most `upper` tokens/s (at `goodput`) can enter
  // the kept list or reach the stop target.
  bool out_of_reach(double upper, double goodput) const {
    const double best_score = rank_ == Rank::days ? upper * goodput : upper;
    return (full() && best_score < threshold()) || (std::isfinite(stop_at_) && best_score < stop_at_);
  }
  bool any_fit() const { return !out_.best.empty(); }
  // Memory of the layout visited last (valid when it passed the layout rules).
  const perf::TrainingMemory& last_memory() const { return last_memory_; }
  // The score a layout must beat to enter the list.
  double threshold() const { return score(out_.best.back(), rank_); }

 private:
  // True when `a` ranks before `b`: faster, then fewer chips, then less memory.
  bool ranks_before(const RankedTraining& a, const RankedTraining& b) const {
    const double x = score(a, rank_), y = score(b, rank_);
    if (x != y) return x > y;
    if (a.layout.chips() != b.layout.chips()) return a.layout.chips() < b.layout.chips();
    return a.estimate.memory.total() < b.estimate.memory.total();
  }

  void note_memory_miss(const RankedTraining& r) {
    auto& miss = out_.nearest_memory_miss;
    const double overshoot = r.estimate.memory.total() / r.estimate.usable_memory_bytes;
    if (!miss || overshoot < miss->estimate.memory.total() / miss->estimate.usable_memory_bytes) miss = r;
  }

  TrainingSearch& out_;
  std::size_t keep_;
  double stop_at_;
  Rank rank_;
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

// The rungs and ZeRO stages a search tries, fixed for the whole search.
struct Ladder {
  std::vector<int> zeros;
  std::vector<MemoryMode> modes;
  Ladder(const perf::TrainingPins& pins, const perf::Hardware& hw)
      : zeros(pins.zero ? std::vector<int>{*pins.zero} : std::vector<int>{1, 3}), modes(memory_modes(pins, hw)) {}
};

// Rungs known to run out of memory at a smaller micro-batch of the same
// layout, a bit per rung for each ZeRO stage: memory never falls as mb grows,
// so they run out again and are not visited.
struct KnownMisses {
  std::vector<std::uint64_t> by_zero;
  explicit KnownMisses(const Ladder& ladder) : by_zero(ladder.zeros.size(), 0) {}
};

// Tries the memory-saving modes for one layout, cheapest first, stopping at
// the first that fits: every later mode with the same or more saving is no faster.
// Returns the last mode's rejection: `memory` means even the most saving mode
// did not fit.
Rejection visit_modes(Collector& collector, const perf::TrainingModel& model, const perf::Hardware& hw,
                      TrainingLayout layout, const Ladder& ladder, KnownMisses& known) {
  const auto& modes = ladder.modes;
  std::size_t fitted_at = modes.size();  // first mode that fitted with a smaller zero stage
  for (std::size_t z = 0; z < ladder.zeros.size(); ++z) {
    std::optional<std::size_t> missed;  // the first rung that ran out of memory at this zero stage
    perf::TrainingMemory missed_memory;
    for (std::size_t i = 0; i < std::min(fitted_at, modes.size()); ++i) {
      const std::uint64_t bit = std::uint64_t{1} << i;
      if (known.by_zero[z] & bit) continue;
      // Exact prune: a rung that cannot save the overshoot of one already tried is
      // not visited, once some layout fits (until then every miss is visited, so
      // that the nearest one explains an impossible request).
      if (missed && collector.any_fit() &&
          missed_memory.total() - most_saving(missed_memory, modes[*missed], modes[i]) > hw.hbm_bytes) {
        known.by_zero[z] |= bit;
        continue;
      }
      layout.zero = ladder.zeros[z];
      layout.recompute = modes[i].recompute;
      layout.bf16_moments = modes[i].bf16_moments;
      layout.fp8_activations = modes[i].fp8_activations;
      const Rejection why = collector.visit(model, hw, layout);
      if (why == Rejection::none) {
        fitted_at = i;
        break;
      }
      if (why != Rejection::memory) return why;  // rules do not depend on the mode
      known.by_zero[z] |= bit;
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

// Visits every layout of one group: ep, vp, mb and the memory modes. Returns
// false when the collector reached its stop target.
bool search_group(Collector& collector, const perf::TrainingModel& model, const perf::Hardware& hw,
                  const perf::TrainingPins& pins, const Ladder& ladder, const GroupBounds& bounds, const Group& g) {
  const auto& c = model.costs;
  // Expert parallelism folded over tp x cp x dp (etp = 1) unless etp = tp is
  // pinned, when it lies within cp x dp (perf's expert_rank_span).
  const int etp = pins.etp.value_or(1);
  std::vector<int> eps = {1};
  if (pins.ep) eps = {*pins.ep};
  else if (c.moe_layers > 0) {
    TrainingLayout shape;
    shape.tp = g.tp, shape.dp = g.dp, shape.cp = g.cp, shape.etp = etp;
    eps = powers_of_two_up_to(std::gcd(static_cast<long long>(c.experts), perf::expert_rank_span(shape)));
  }
  // Micro-batches divide the replica's share of the batch, so memory never falls as mb grows.
  const long long per_replica = perf::sequences_per_replica(model, g.dp);
  std::vector<int> mbs;
  if (pins.mb) mbs = {*pins.mb};
  else
    for (const auto d : divisors(std::max<long long>(1, per_replica)))
      if (d <= kMaxMicroBatch) mbs.push_back(static_cast<int>(d));
  const int per_stage = (c.layers + g.pp - 1) / g.pp;
  std::vector<int> vps;
  if (pins.vp) vps = {*pins.vp};
  else
    for (int v = 1; v <= std::min(kMaxVirtualStages, g.pp > 1 ? per_stage : 1); ++v)
      if (per_stage % v == 0) vps.push_back(v);
  const auto layout_of = [&](int ep, int vp, int mb, perf::Schedule schedule) {
    TrainingLayout layout;
    layout.tp = g.tp, layout.pp = g.pp, layout.dp = g.dp, layout.cp = g.cp;
    layout.ep = ep, layout.mb = mb, layout.vp = vp;
    layout.etp = etp;
    layout.sp = pins.sp.value_or(true);
    layout.a2a_overlap = pins.a2a_overlap.value_or(true);
    layout.schedule = schedule;
    return layout;
  };
  // The schedules tried: the pinned one, or 1F1B and, on MoE models, DualPipe
  // (vp = 1, an even pp, an even count of at least pp micro-batches: perf's
  // layout rules, checked here so that the walk does not count them as
  // rejections).
  std::vector<perf::Schedule> schedules = {pins.schedule.value_or(perf::Schedule::one_f_one_b)};
  if (!pins.schedule && tries_dualpipe(model, pins) && g.pp >= 2 && g.pp % 2 == 0)
    schedules.push_back(perf::Schedule::dualpipe);
  // (DualPipe also needs vp = 1: the walk below tries it only there.)
  const auto dualpipe_runs = [&](int mb) {
    const long long microbatches = per_replica / mb;
    return microbatches >= g.pp && microbatches % 2 == 0;
  };
  if (mbs.empty()) return true;
  // The group's most memory-saving layouts first, one per ZeRO stage (ZeRO-3
  // gathers a layer's weights, so over one replica it needs more than
  // ZeRO-1): when none fits, no layout of the group does (memory never rises
  // with ep, vp or recompute, and never falls as mb grows).
  // With an unpinned DualPipe as well, its own most saving layout (vp = 1,
  // the smallest micro-batch it runs) is tried too: it holds two stages'
  // weights but may hold fewer micro-batches than deep interleaving.
  std::vector<TrainingLayout> thrifty = {layout_of(eps.back(), vps.back(), mbs.front(), schedules.front())};
  if (schedules.size() > 1)
    for (const int mb : mbs)
      if (dualpipe_runs(mb)) {
        thrifty.push_back(layout_of(eps.back(), 1, mb, perf::Schedule::dualpipe));
        break;
      }
  const MemoryMode& most_saving_mode = ladder.modes.back();
  bool any_fits = false;
  for (auto& layout : thrifty) {
    layout.recompute = most_saving_mode.recompute;
    layout.bf16_moments = most_saving_mode.bf16_moments;
    layout.fp8_activations = most_saving_mode.fp8_activations;
    for (const int zero : ladder.zeros) {
      layout.zero = zero;
      if ((any_fits = collector.fits(model, hw, layout))) break;
    }
    if (any_fits) break;
  }
  if (!any_fits) return true;
  const double goodput = perf::goodput(hw, static_cast<double>(g.chips()));
  for (const int ep : eps) {
    // Exact prune: an expert-parallel degree whose own bound cannot compete.
    if (collector.out_of_reach(bounds.upper_tokens_per_s(g, ep, mbs.back()), goodput)) continue;
    // And each schedule's own bound (its bubble and all-to-all overlap).
    const auto in_reach = [&](perf::Schedule schedule) {
      return !collector.out_of_reach(bounds.upper_tokens_per_s(g, ep, mbs.back(), schedule), goodput);
    };
    const bool first_in_reach = schedules.size() == 1 || in_reach(schedules.front());
    const bool dualpipe_in_reach = schedules.size() > 1 && in_reach(perf::Schedule::dualpipe);
    for (const int vp : vps) {
      const bool with_dualpipe = dualpipe_in_reach && vp == 1;
      bool first_fits = first_in_reach, dualpipe_fits = with_dualpipe;
      KnownMisses known(ladder), known_dualpipe(ladder);
      for (const int mb : mbs) {  // ascending: memory never falls as mb grows
        if (first_fits && visit_modes(collector, model, hw, layout_of(ep, vp, mb, schedules.front()), ladder,
                                      known) == Rejection::memory)
          first_fits = false;
        if (collector.done()) return false;
        if (dualpipe_fits && dualpipe_runs(mb)) {
          // DualPipe holds more than 1F1B at vp = 1 (two stages' weights and
          // gradients, pp + 1 micro-batches in flight, the same optimizer
          // share): a mode 1F1B missed at this micro-batch, it misses too.
          if (first_in_reach)
            for (std::size_t z = 0; z < known.by_zero.size(); ++z) known_dualpipe.by_zero[z] |= known.by_zero[z];
          if (visit_modes(collector, model, hw, layout_of(ep, vp, mb, perf::Schedule::dualpipe), ladder,
                          known_dualpipe) == Rejection::memory)
            dualpipe_fits = false;
          if (collector.done()) return false;
        }
        if (!first_fits && !dualpipe_fits) break;
      }
    }
  }
  return true;
}

// A shape's place in a walk over its data-parallel degrees.
struct Cursor {
  double key = 0;  // the bound (best first) or the chips (smallest first) of the group at `index`
  std::size_t shape = 0;
  std::size_t index = 0;  // into the degrees
};

// The last index into ascending `degrees` whose group fits in `max_chips`; -1 when none.
long long last_fitting(const std::vector<int>& degrees, const Shape& s, long long max_chips) {
  const long long most = max_chips / s.chips();
  return static_cast<long long>(std::upper_bound(degrees.begin(), degrees.end(), most) - degrees.begin()) - 1;
}

}  // namespace

TrainingSearch search_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long max_chips,
                               const perf::TrainingPins& pins, int keep, double stop_at_tokens_per_s, Rank rank) {
  TrainingSearch out;
  Collector collector(out, keep, stop_at_tokens_per_s, rank);
  const GroupBounds bounds(model, hw, pins);
  const Ladder ladder(pins, hw);
  const auto shapes = model_parallel_shapes(model, max_chips, pins);
  const auto degrees = data_parallel_degrees(model, max_chips, pins.dp);
  // Best first: the group with the highest bound among every shape's largest
  // unvisited degree. Ranked by tokens/s a shape's bound falls as dp falls, so
  // the bound at its largest unvisited degree is its key; ranked by days the
  // bound counts goodput and need not fall, so the key is the highest bound
  // among the shape's unvisited degrees. Once the highest key left cannot
  // enter the kept list (or reach the stop target), no unvisited group can.
  const auto bound_of = [&](const Group& g) {
    const double upper = bounds.upper_tokens_per_s(g);
    return rank == Rank::tokens_per_s ? upper : upper * perf::goodput(hw, static_cast<double>(g.chips()));
  };
  std::vector<std::vector<double>> keys(rank == Rank::days ? shapes.size() : 0);  // by shape, by degree index
  const auto by_key = [](const Cursor& a, const Cursor& b) { return a.key < b.key; };
  std::vector<Cursor> heap;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const long long last = last_fitting(degrees, shapes[i], max_chips);
    if (last < 0) continue;
    const auto index = static_cast<std::size_t>(last);
    if (rank == Rank::days)
      for (std::size_t d = 0; d <= index; ++d)
        keys[i].push_back(std::max(d > 0 ? keys[i].back() : 0.0, bound_of(Group(shapes[i], degrees[d]))));
    heap.push_back({rank == Rank::days ? keys[i].back() : bound_of(Group(shapes[i], degrees[index])), i, index});
  }
  const auto beyond_reach = [&](double upper) {
    return (collector.full() && upper < collector.threshold()) ||
           (std::isfinite(stop_at_tokens_per_s) && upper < stop_at_tokens_per_s);
  };
  std::make_heap(heap.begin(), heap.end(), by_key);
  // Groups whose state cannot fit are still visited when the bound allows: the
  // nearest memory miss explains an impossible request, and their layouts fail
  // the memory check at once.
  while (!heap.empty() && !beyond_reach(heap.front().key)) {
    std::pop_heap(heap.begin(), heap.end(), by_key);
    Cursor cursor = heap.back();
    heap.pop_back();
    const Shape& shape = shapes[cursor.shape];
    const Group g(shape, degrees[cursor.index]);
    if (rank == Rank::days && beyond_reach(bound_of(g))) ++out.pruned;
    else if (!search_group(collector, model, hw, pins, ladder, bounds, g)) break;
    if (cursor.index == 0) continue;
    --cursor.index;
    cursor.key = rank == Rank::days ? keys[cursor.shape][cursor.index] : bound_of(Group(shape, degrees[cursor.index]));
    heap.push_back(cursor);
    std::push_heap(heap.begin(), heap.end(), by_key);
  }
  for (const auto& cursor : heap) out.pruned += static_cast<long long>(cursor.index) + 1;
  return out;
}

std::optional<SmallestCluster> smallest_training_cluster(const perf::TrainingModel& model, const perf::Hardware& hw,
                                                         long long step, long long max_chips,
                                                         double needed_tokens_per_s) {
  const perf::TrainingPins pins;
  const GroupBounds bounds(model, hw, pins);
  const Ladder ladder(pins, hw);
  const auto shapes = model_parallel_shapes(model, max_chips, pins);
  const auto degrees = data_parallel_degrees(model, max_chips);
  const auto bought = [step](long long chips) { return (chips + step - 1) / step * step; };
  // Smallest first, each shape from its first degree whose bound reaches the
  // need (the bound rises with dp, and goodput only raises the target).
  const auto by_key = [](const Cursor& a, const Cursor& b) { return a.key > b.key; };
  std::vector<Cursor> heap;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const auto first = std::partition_point(degrees.begin(), degrees.end(), [&](int dp) {
      return bounds.upper_tokens_per_s(Group(shapes[i], dp)) < needed_tokens_per_s;
    });
    if (first == degrees.end()) continue;
    const auto index = static_cast<std::size_t>(first - degrees.begin());
    heap.push_back({static_cast<double>(bought(shapes[i].chips() * *first)), i, index});
  }
  std::make_heap(heap.begin(), heap.end(), by_key);
  // Once a group meets the target, the fastest layout (in days) on that many
  // chips is among the groups bought at the same count: any layout bought
  // smaller misses the deadline, so it is slower than the one found.
  std::optional<long long> count;
  TrainingSearch fastest;
  Collector fastest_collector(fastest, 1, std::numeric_limits<double>::infinity(), Rank::days);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), by_key);
    Cursor cursor = heap.back();
    heap.pop_back();
    const Group g(shapes[cursor.shape], degrees[cursor.index]);
    if (bought(g.chips()) > (count ? *count : max_chips)) continue;  // and every later degree of the shape
    // The deadline's throughput, raised for the failures a cluster this size suffers.
    const double target = needed_tokens_per_s / perf::goodput(hw, static_cast<double>(g.chips()));
    if (bounds.upper_tokens_per_s(g) >= target) {
      if (!count) {
        TrainingSearch scratch;
        Collector collector(scratch, 1, target);
        search_group(collector, model, hw, pins, ladder, bounds, g);
        if (scratch.stopped_early) count = bought(g.chips());
      }
      if (count) search_group(fastest_collector, model, hw, pins, ladder, bounds, g);
    }
    if (++cursor.index == degrees.size()) continue;
    cursor.key = static_cast<double>(bought(shapes[cursor.shape].chips() * degrees[cursor.index]));
    heap.push_back(cursor);
    std::push_heap(heap.begin(), heap.end(), by_key);
  }
  if (count) return SmallestCluster{*count, fastest.best.front()};
  return std::nullopt;
}

}  // namespace planner::search
