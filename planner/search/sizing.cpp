#include "search/sizing.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace planner::search {

namespace {

// The widest replica the serving search considers, in chips: a CloudMatrix-384
// supernode, rounded up to a power of two.
constexpr long long kMaxReplicaChips = 512;

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
  const auto count = smallest_training_cluster(model, hw, step, max_count, out.needed_tokens_per_s);
  out.max_count_tried = count.value_or(max_count);
  const auto s = search_training(model, hw, out.max_count_tried, {}, 1);
  if (s.best.empty()) {
    out.why_not = fmt::format("no layout fits on up to {} chips", util::format_count(static_cast<double>(max_count)));
    return out;
  }
  if (!count) {
    out.best_days_at_max = s.best.front().estimate.days;
    out.why_not = fmt::format("the fastest layout within {} chips ({} used) takes {:.1f} days, beyond the {:.1f}-day "
                              "deadline",
                              util::format_count(static_cast<double>(max_count)),
                              util::format_count(static_cast<double>(s.best.front().layout.chips())),
                              out.best_days_at_max, deadline_days);
    return out;
  }
  out.feasible = true;
  out.best = s.best.front();
  out.count = round_up(out.best.layout.chips(), step);
  out.days = out.best.estimate.days;
  return out;
}

ServingSizing size_serving(const perf::InferenceModel& model, const perf::Hardware& hw, long long step) {
  ServingSizing out;
  const auto s = search_inference(model, hw, kMaxReplicaChips, {}, 1);
  if (s.best.empty()) {
    if (s.nearest_slo_miss)
      out.why_not = fmt::format("misses the SLO: best TPOT {:.1f} ms, TTFT {:.0f} ms", s.nearest_slo_miss->estimate.tpot_ms,
                                s.nearest_slo_miss->estimate.ttft_ms);
    else out.why_not = fmt::format("does not fit on up to {} chips per replica", kMaxReplicaChips);
    return out;
  }
  out.feasible = true;
  out.best = s.best.front();
  out.replica_chips = round_up(out.best.layout.replica_chips(), step);
  // Chips bought beyond the replica's own (rounding to whole systems) dilute the rate.
  out.output_tokens_per_s_per_chip = out.best.estimate.output_tokens_per_s_per_chip *
                                     static_cast<double>(out.best.layout.replica_chips()) /
                                     static_cast<double>(out.replica_chips);
  return out;
}

ServingChips serving_chips(const RankedInference& r, long long replica_chips, double demand) {
  const auto& e = r.estimate;
  const double layout_chips = static_cast<double>(r.layout.replica_chips());
  auto replicas = [&](double chips) { return static_cast<long long>(std::ceil(chips / layout_chips)); };
  ServingChips out;
  if (!r.layout.disagg) {
    const long long n = replicas(demand / e.output_tokens_per_s_per_chip);
    out.total = n * replica_chips;
    out.output_tokens_per_s = e.output_tokens_per_s_per_chip * layout_chips * static_cast<double>(n);
    return out;
  }
  // Decode emits every output token; prefill takes prefill_share of each
  // request's chip time: demand x share / (1 - share) decode-equivalent chips.
  const double decode_chips = demand / e.decode_tokens_per_s_per_chip;
  const double prefill_chips = decode_chips * e.prefill_share / (1 - e.prefill_share);
  const long long n_decode = replicas(decode_chips), n_prefill = replicas(prefill_chips);
  out.decode = n_decode * replica_chips;
  out.prefill = n_prefill * replica_chips;
  out.total = out.decode + out.prefill;
  const double decode_rate = e.decode_tokens_per_s_per_chip * layout_chips;  // per decode replica
  out.output_tokens_per_s = decode_rate * static_cast<double>(n_decode);
  if (e.prefill_share > 0) {  // output tokens/s the prefill pool keeps up with
    const double prefill_rate = decode_rate * (1 - e.prefill_share) / e.prefill_share;  // per prefill replica
    out.output_tokens_per_s = std::min(out.output_tokens_per_s, prefill_rate * static_cast<double>(n_prefill));
  }
  return out;
}

}  // namespace planner::search
