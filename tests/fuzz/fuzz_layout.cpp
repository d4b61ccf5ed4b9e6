// libFuzzer target: a layout spec ("tp=8,pp=16,recompute=full"), parsed as a
// training and as a serving layout. When a parse has no errors, the pinned
// values (defaults elsewhere) must print back to a spec that parses to the
// same layout, and the training or serving model on three fixed models and
// fixed hardware must give finite numbers for any values the parser accepts.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "perf/layout.h"

using namespace planner;

namespace {

constexpr int kModels = 3;

bool same(const perf::TrainingLayout& a, const perf::TrainingLayout& b) {
  return a.tp == b.tp && a.pp == b.pp && a.dp == b.dp && a.cp == b.cp && a.ep == b.ep && a.etp == b.etp &&
         a.mb == b.mb && a.vp == b.vp && a.recompute == b.recompute && a.sp == b.sp && a.zero == b.zero;
}

perf::TrainingLayout layout_of(const perf::TrainingPins& p) {
  perf::TrainingLayout l;
  l.tp = p.tp.value_or(1), l.pp = p.pp.value_or(1), l.dp = p.dp.value_or(1), l.cp = p.cp.value_or(1);
  l.ep = p.ep.value_or(1), l.mb = p.mb.value_or(1), l.vp = p.vp.value_or(1), l.zero = p.zero.value_or(1);
  l.etp = p.etp.value_or(1);
  l.recompute = p.recompute.value_or(perf::Recompute::none);
  l.sp = p.sp.value_or(true);
  return l;
}

void check_pins(const std::optional<int>& value) {
  if (value) fuzz::require(*value >= 1 && *value <= 10'000'000);
}

void check_training(std::string_view spec) {
  std::vector<std::string> errors;
  const auto pins = perf::parse_training_layout(spec, errors);
  for (const auto& e : errors) fuzz::require(!e.empty());
  for (const auto* v : {&pins.tp, &pins.pp, &pins.dp, &pins.cp, &pins.ep, &pins.etp, &pins.mb, &pins.vp}) check_pins(*v);
  if (pins.zero) fuzz::require(*pins.zero >= 0 && *pins.zero <= 3);
  if (!errors.empty()) return;
  const perf::TrainingLayout layout = layout_of(pins);
  std::vector<std::string> reparse_errors;
  fuzz::require(same(layout_of(perf::parse_training_layout(layout.str(), reparse_errors)), layout));
  fuzz::require(reparse_errors.empty());

  static const perf::Hardware hw = fuzz::fixed_hardware();
  static const auto models = [] {
    std::vector<perf::TrainingModel> out;
    for (int i = 0; i < kModels; ++i) out.push_back(perf::make_training_model(fuzz::fixed_training_workload(i)));
    return out;
  }();
  for (const auto& model : models) {
    const auto problem = perf::first_problem(model, layout);
    fuzz::require((problem == perf::LayoutProblem::none) == perf::describe(problem, model, layout).empty());
    fuzz::check_training(perf::evaluate_training(model, hw, layout, /*stop_at_memory=*/false));
  }
}

void check_inference(std::string_view spec) {
  std::vector<std::string> errors;
  const auto pins = perf::parse_inference_layout(spec, errors);
  for (const auto& e : errors) fuzz::require(!e.empty());
  for (const auto* v : {&pins.tp, &pins.ep, &pins.batch}) check_pins(*v);
  if (!errors.empty()) return;
  perf::InferenceLayout layout;
  layout.tp = pins.tp.value_or(1), layout.ep = pins.ep.value_or(1), layout.batch = pins.batch.value_or(1);
  layout.disagg = pins.disagg.value_or(false);
  std::vector<std::string> reparse_errors;
  const auto again = perf::parse_inference_layout(layout.str(), reparse_errors);
  fuzz::require(reparse_errors.empty() && again.tp == layout.tp && again.ep == layout.ep &&
                again.batch == layout.batch && again.disagg == layout.disagg);

  static const perf::Hardware hw = fuzz::fixed_hardware();
  static const auto models = [] {
    std::vector<perf::InferenceModel> out;
    for (int i = 0; i < kModels; ++i) out.push_back(perf::make_inference_model(fuzz::fixed_inference_workload(i)));
    return out;
  }();
  for (const auto& model : models) {
    fuzz::require(perf::inference_layout_problem(model, layout).empty() ||
                  perf::evaluate_inference(model, hw, layout).rejection == perf::Rejection::divisibility);
    fuzz::check_inference(perf::evaluate_inference(model, hw, layout));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view spec = fuzz::as_text(data, size);
  check_training(spec);
  check_inference(spec);
  return 0;
}
