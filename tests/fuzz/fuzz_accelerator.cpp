// libFuzzer target: an accelerator spec file, read by specs::load_catalog from
// a data directory that holds it as accelerators/fuzz.json. When it loads, the
// spec-sheet facts (TPP, peaks, performance density), the JSON and table
// renderings, the cost model and the performance model on that chip are run
// too.

#include <cstddef>
#include <cstdint>

#include "cost/cost.h"
#include "fuzz_common.h"
#include "report/specs_report.h"
#include "specs/catalog.h"
#include "specs/loader.h"

using namespace planner;

namespace {

constexpr specs::Precision kPrecisions[] = {specs::Precision::bf16, specs::Precision::fp16, specs::Precision::fp8,
                                            specs::Precision::int8, specs::Precision::fp4};

void check_facts(const specs::Accelerator& a) {
  fuzz::require(specs::is_valid_id(a.id));
  const double tpp = a.tpp();
  fuzz::require_finite(tpp);
  fuzz::require(tpp > 0);
  for (const auto p : kPrecisions)
    if (const auto peak = a.peak_tflops(p))
      fuzz::require(std::isfinite(*peak) && *peak > 0 && *peak * specs::bit_length(p) <= tpp);
  if (const auto density = a.performance_density()) fuzz::require(*density > 0);  // infinite for a 5e-324 mm^2 die
}

void check_cost(const specs::Accelerator& a) {
  specs::Site site = fuzz::fixed_site("CN");
  site.subsidies.push_back({"power_bill_refund", {0.5, {}}, specs::SubsidyScope::domestic_chips, ""});
  const cost::Cost c = cost::cost_of({&a, nullptr, &site, 1000, 0.5}, cost::Assumptions{});
  const double numbers[] = {c.capex_usd, c.power_mw, c.energy_usd_per_year, c.tco_usd, c.tco2};
  for (const double x : numbers) fuzz::require(std::isfinite(x) && x >= 0);
}

// The performance model on the chip, for each precision it has.
void check_model(specs::Catalog& catalog, const specs::Accelerator& a) {
  static const perf::TrainingModel training = perf::make_training_model(fuzz::fixed_training_workload(0));
  static const perf::InferenceModel inference = perf::make_inference_model(fuzz::fixed_inference_workload(0));
  catalog.constants = fuzz::fixed_constants();
  for (const auto p : kPrecisions) {
    perf::HardwareProblem problem;
    const auto hw = perf::make_hardware(catalog, a.id, p, problem);
    if (!hw) {
      fuzz::require(!problem.message.empty());
      continue;
    }
    fuzz::require(hw->hbm_bytes > 0 && hw->matmul_flops > 0 && hw->hbm_bytes_per_s > 0);
    const bool plausible = fuzz::plausible(*hw);
    perf::TrainingLayout layout;
    layout.tp = 8, layout.pp = 2, layout.dp = 4, layout.mb = 2;
    const auto e = perf::evaluate_training(training, *hw, layout, /*stop_at_memory=*/false);
    if (plausible) fuzz::check_training(e);
    perf::InferenceLayout serving;
    serving.tp = 4, serving.batch = 64;
    const auto i = perf::evaluate_inference(inference, *hw, serving);
    if (plausible) fuzz::check_inference(i);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  util::Diagnostics diagnostics;
  specs::Catalog catalog = fuzz::load_catalog_with(data, size, "accelerators/fuzz.json", diagnostics);
  // A file loads exactly when it has no problem.
  fuzz::require(diagnostics.empty() == (catalog.accelerators.size() == 1));
  if (catalog.accelerators.empty()) return 0;
  const specs::Accelerator& a = catalog.accelerators.front();
  check_facts(a);
  const std::string json = report::accelerator_json(a).dump();
  const std::string text =
      report::accelerator_details(a) + report::specs_table(catalog) + report::specs_list_json(catalog).dump();
  fuzz::require(!json.empty() && !text.empty());
  check_cost(a);
  check_model(catalog, a);
  return 0;
}
