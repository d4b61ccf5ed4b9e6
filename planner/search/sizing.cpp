#include "search/sizing.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace planner::search {

namespace {

// The widest replica the serving search considers, in chips: a CloudMatrix-384
// supernode, rounded up to a power of two.
constexpr long long kMaxReplicaChips = 512;
// More than the serving search's families (tp x ep x colocated or not), so
// that it returns each one's best batch.
constexpr int kEveryServingFamily = 4096;

long long round_up(long long n, long long step) { return (n + step - 1) / step * step; }

}  // namespace

std::optional<ChipChoice> choose_chip(const specs::Catalog& catalog, const std::string& id) {
  if (const auto* system = catalog.find_system(id)) {
    const auto* chip = catalog.find_accelerator(system->accelerator);
    if (!chip) return std::nullopt;
    return ChipChoice{id, chip, system, system->chips_per_system};
  }
  const auto* chip = catalog.find_accelerator(id);
  if (!chip) return std::nullopt;
  for (const auto& s : catalog.systems)
    if (s.accelerator == id) return ChipChoice{id, chip, &s, s.chips_per_system};
  return ChipChoice{id, chip, nullptr, 1};
}

specs::Precision precision_on(const specs::Accelerator& chip, const workload::Workload& w) {
  if (chip.peak_tflops(w.precision)) return w.precision;
  if (w.kind == workload::Kind::inference && (w.precision == specs::Precision::fp8 || w.precision == specs::Precision::fp4) &&
      chip.peak_tflops(specs::Precision::int8))
    return specs::Precision::int8;
  if (w.precision == specs::Precision::fp4 && chip.peak_tflops(specs::Precision::fp8)) return specs::Precision::fp8;
  return specs::Precision::bf16;
}

TrainingSizing size_training(const perf::TrainingModel& model, const perf::Hardware& hw, long long step,
                             double deadline_days, long long max_count) {
  TrainingSizing out;
  out.needed_tokens_per_s = model.tokens / (deadline_days * 86400);
  max_count = std::max(step, max_count / step * step);
  out.max_count_tried = max_count;
  if (const auto found = smallest_training_cluster(model, hw, step, max_count, out.needed_tokens_per_s)) {
    out.feasible = true;
    out.count = found->count;
    out.best = found->fastest;
    out.days = out.best.estimate.days;
    out.idle_chips = out.count - out.best.layout.chips();
    return out;
  }
  const auto s = search_training(model, hw, max_count, {}, 1, std::numeric_limits<double>::infinity(), Rank::days);
  if (s.best.empty()) {
    out.why_not = fmt::format("no layout fits on up to {} chips", util::format_count(static_cast<double>(max_count)));
    return out;
  }
  const auto& fastest = s.best.front();
  out.best_days_at_max = fastest.estimate.days;
  out.fastest_count = round_up(fastest.layout.chips(), step);
  out.why_not = fmt::format("the fastest layout within {} chips takes {:.1f} days on {} chips ({}), beyond the "
                            "{:.1f}-day deadline",
                            util::format_count(static_cast<double>(max_count)), out.best_days_at_max,
                            util::format_count(static_cast<double>(out.fastest_count)), fastest.layout.str(),
                            deadline_days);
  return out;
}

Packing pack_replicas(long long replica_chips, long long step) {
  if (replica_chips <= step) return {replica_chips, step, step / replica_chips};
  return {replica_chips, round_up(replica_chips, step), 1};
}

namespace {

// Output tokens/s per chip bought when `r`'s replicas pack into systems of `step`.
double packed_rate(const RankedInference& r, long long step) {
  const auto chips = static_cast<long long>(r.layout.replica_chips());
  const auto p = pack_replicas(chips, step);
  return r.estimate.output_tokens_per_s_per_chip * static_cast<double>(p.replicas * chips) /
         static_cast<double>(p.unit_chips);
}

}  // namespace

ServingSizing size_serving(const perf::InferenceModel& model, const perf::Hardware& hw, long long step,
                           const std::string& system_label) {
  ServingSizing out;
  // Every family's best batch, so that the best packed rate is exact.
  const auto s = search_inference(model, hw, kMaxReplicaChips, {}, kEveryServingFamily);
  if (s.best.empty()) {
    if (s.nearest_slo_miss)
      out.why_not = fmt::format("misses the SLO: best TPOT {:.1f} ms, TTFT {:.0f} ms", s.nearest_slo_miss->estimate.tpot_ms,
                                s.nearest_slo_miss->estimate.ttft_ms);
    else out.why_not = fmt::format("does not fit on up to {} chips per replica", kMaxReplicaChips);
    return out;
  }
  const auto by_packed = [step](const RankedInference& a, const RankedInference& b) {
    return packed_rate(a, step) > packed_rate(b, step);
  };
  const auto best = std::min_element(s.best.begin(), s.best.end(), by_packed);
  out.feasible = true;
  out.best = *best;
  out.replica_chips = best->layout.replica_chips();
  const auto packing = pack_replicas(out.replica_chips, step);
  out.unit_chips = packing.unit_chips;
  out.replicas_per_unit = packing.replicas;
  out.idle_chips_per_unit = packing.idle_chips();
  out.output_tokens_per_s_per_chip = packed_rate(*best, step);
  if (out.idle_chips_per_unit > 0) {
    // The best layout that leaves no chip idle, to say why it was not taken.
    std::optional<RankedInference> full;
    for (const auto& r : s.best)
      if (pack_replicas(r.layout.replica_chips(), step).idle_chips() == 0 && (!full || by_packed(r, *full))) full = r;
    const std::string fill =
        fmt::format("{} replica{} of {} chips per {}-chip {}", packing.replicas, packing.replicas == 1 ? "" : "s",
                    out.replica_chips, out.unit_chips, system_label);
    out.idle_reason =
        full ? fmt::format("{}: the best layout filling it ({}) serves {:.0f}% fewer tokens/s per chip", fill,
                           full->layout.str(), 100 * (1 - packed_rate(*full, step) / out.output_tokens_per_s_per_chip))
             : fmt::format("{}: no serving layout fills it", fill);
  }
  return out;
}

ServingChips serving_chips(const RankedInference& r, const Packing& packing, double demand) {
  const auto& e = r.estimate;
  const double layout_chips = static_cast<double>(r.layout.replica_chips());
  auto replicas = [&](double chips) { return static_cast<long long>(std::ceil(chips / layout_chips)); };
  auto bought = [&](long long n) { return (n + packing.replicas - 1) / packing.replicas * packing.unit_chips; };
  ServingChips out;
  if (!r.layout.disagg) {
    const long long n = replicas(demand / e.output_tokens_per_s_per_chip);
    out.total = bought(n);
    out.idle = out.total - n * r.layout.replica_chips();
    out.output_tokens_per_s = e.output_tokens_per_s_per_chip * layout_chips * static_cast<double>(n);
    return out;
  }
  // Decode emits every output token; prefill takes prefill_share of each
  // request's chip time: demand x share / (1 - share) decode-equivalent chips.
  const double decode_chips = demand / e.decode_tokens_per_s_per_chip;
  const double prefill_chips = decode_chips * e.prefill_share / (1 - e.prefill_share);
  const long long n_decode = replicas(decode_chips), n_prefill = replicas(prefill_chips);
  out.decode = n_decode * r.layout.replica_chips();
  out.prefill = n_prefill * r.layout.replica_chips();
  out.total = bought(n_decode + n_prefill);
  out.idle = out.total - out.decode - out.prefill;
  const double decode_rate = e.decode_tokens_per_s_per_chip * layout_chips;  // per decode replica
  out.output_tokens_per_s = decode_rate * static_cast<double>(n_decode);
  if (e.prefill_share > 0) {  // output tokens/s the prefill pool keeps up with
    const double prefill_rate = decode_rate * (1 - e.prefill_share) / e.prefill_share;  // per prefill replica
    out.output_tokens_per_s = std::min(out.output_tokens_per_s, prefill_rate * static_cast<double>(n_prefill));
  }
  return out;
}

}  // namespace planner::search
