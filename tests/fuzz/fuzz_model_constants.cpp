// libFuzzer target: the performance model's constants file, read by
// specs::load_catalog from a data directory that holds it as
// model/constants.json next to a fixed accelerator (so that per-chip
// overrides can name a real chip). When it loads, the hardware view with
// those constants and the training and serving models are run too.

#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "specs/catalog.h"
#include "specs/loader.h"

using namespace planner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const perf::TrainingModel training = perf::make_training_model(fuzz::fixed_training_workload(0));
  static const perf::InferenceModel inference = perf::make_inference_model(fuzz::fixed_inference_workload(0));
  util::Diagnostics diagnostics;
  specs::Catalog catalog = fuzz::load_catalog_with(data, size, "model/constants.json", diagnostics,
                                                   /*with_fixture_accelerator=*/true);
  fuzz::require(catalog.accelerators.size() == 1);
  if (diagnostics.empty()) fuzz::require(catalog.constants.has_value());
  if (!catalog.constants || !diagnostics.empty()) return 0;
  for (std::size_t i = 0; i < specs::kConstantCount; ++i) {
    const auto c = static_cast<specs::Constant>(i);
    fuzz::require(specs::constant_table()[i].range.contains(catalog.constants->value(c, "fuzz-chip")));
  }
  perf::HardwareProblem problem;
  const auto hw = perf::make_hardware(catalog, "fuzz-chip", specs::Precision::bf16, problem);
  if (!hw) {
    fuzz::require(!problem.message.empty());
    return 0;
  }
  fuzz::require(hw->hbm_bytes > 0);
  fuzz::require_finite(perf::goodput(*hw, 100'000));
  perf::TrainingLayout layout;
  layout.tp = 8, layout.pp = 4, layout.dp = 32, layout.mb = 1, layout.recompute = perf::Recompute::selective;
  const auto e = perf::evaluate_training(training, *hw, layout, /*stop_at_memory=*/false);
  if (fuzz::plausible(*hw)) fuzz::check_training(e);
  perf::InferenceLayout serving;
  serving.tp = 2, serving.batch = 32;
  const auto i = perf::evaluate_inference(inference, *hw, serving);
  if (fuzz::plausible(*hw)) fuzz::check_inference(i);
  return 0;
}
