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
// Bisection stops when the bracket is this narrow relative to its top.
constexpr double kCountTolerance = 0.02;

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
  const double deadline_s = deadline_days * 86400;
  out.needed_tokens_per_s = model.tokens / deadline_s;
  max_count = std::max(step, max_count / step * step);
  // Feasible at n chips: some layout reaches the throughput the deadline needs
  // once failures are counted. Goodput falls with n, so the target rises with it.
  auto reaches = [&](long long n) {
    const auto s = search_training(model, hw, n, {}, 1, out.needed_tokens_per_s / perf::goodput(hw, static_cast<double>(n)));
    return s.stopped_early;
  };
  // A first guess from the FLOPs at 40% of peak, then double until feasible.
  const double flops = model.tokens * model.model_flops_per_token;
  long long hi = round_up(static_cast<long long>(std::clamp(flops / (deadline_s * hw.peak_flops * 0.4), 1.0, 1e12)), step);
  hi = std::min(hi, max_count);
  long long lo = 0;  // largest count known to miss; 0 = none tried
  if (reaches(hi)) {
    while (hi > step) {  // halve while the smaller cluster still makes it
      const long long half = round_up(hi / 2, step);
      if (half >= hi) break;
      if (!reaches(half)) {
        lo = half;
        break;
      }
      hi = half;
    }
  } else {
    do {  // double until feasible or out of chips
      lo = hi;
      if (hi >= max_count) {
        out.max_count_tried = max_count;
        const auto s = search_training(model, hw, max_count, {});
        if (!s.best.empty()) out.best_days_at_max = s.best.front().estimate.days;
        out.why_not = s.best.empty()
                          ? fmt::format("no layout fits on up to {} chips", util::format_count(static_cast<double>(max_count)))
                          : fmt::format("{} chips reach {:.1f} days, beyond the {:.1f}-day deadline",
                                        util::format_count(static_cast<double>(max_count)), out.best_days_at_max,
                                        deadline_days);
        return out;
      }
      hi = std::min(max_count, hi * 2);
    } while (!reaches(hi));
  }
  while (hi - lo > std::max<long long>(step, static_cast<long long>(kCountTolerance * static_cast<double>(hi)))) {
    const long long mid = round_up((lo + hi) / 2, step);
    if (mid >= hi) break;
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  const auto s = search_training(model, hw, hi, {});
  out.max_count_tried = hi;
  if (s.best.empty()) {
    out.why_not = fmt::format("no layout fits on {} chips", util::format_count(static_cast<double>(hi)));
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

}  // namespace planner::search
