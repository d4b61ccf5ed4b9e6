// libFuzzer target: a system file, read by specs::load_catalog from a data
// directory that also holds a fixed accelerator, so that the reference check
// runs. When the system loads, its renderings, the hardware view through the
// system (its link overrides), the performance model and the cost model with
// its host power and server cost are run too.

#include <cstddef>
#include <cstdint>

#include "cost/cost.h"
#include "fuzz_common.h"
#include "report/specs_report.h"
#include "specs/catalog.h"
#include "specs/loader.h"

using namespace planner;

namespace {

void check_model(specs::Catalog& catalog, const specs::System& s) {
  static const perf::TrainingModel training = perf::make_training_model(fuzz::fixed_training_workload(1));
  static const perf::InferenceModel inference = perf::make_inference_model(fuzz::fixed_inference_workload(1));
  catalog.constants = fuzz::fixed_constants();
  perf::HardwareProblem problem;
  const auto hw = perf::make_hardware(catalog, s.id, specs::Precision::fp8, problem);
  fuzz::require(hw.has_value());
  fuzz::require(hw->scale_up_domain == s.scale_up_domain_chips && hw->system_id == s.id);
  perf::TrainingLayout layout;
  layout.tp = 2, layout.pp = 2, layout.dp = 16, layout.ep = 8, layout.mb = 3;
  const auto e = perf::evaluate_training(training, *hw, layout, /*stop_at_memory=*/false);
  if (fuzz::plausible(*hw)) fuzz::check_training(e);
  perf::InferenceLayout serving;
  serving.tp = 8, serving.ep = 32, serving.batch = 128;
  const auto i = perf::evaluate_inference(inference, *hw, serving);
  if (fuzz::plausible(*hw)) fuzz::check_inference(i);
}

void check_cost(const specs::Catalog& catalog, const specs::System& s) {
  const specs::Site site = fuzz::fixed_site("US");
  const cost::Cost c =
      cost::cost_of({catalog.find_accelerator(s.accelerator), &s, &site, 4096, 1}, cost::Assumptions{});
  const double numbers[] = {c.capex_usd, c.it_power_mw, c.power_mw, c.energy_usd_per_year, c.tco_usd, c.tco2};
  for (const double x : numbers) fuzz::require(std::isfinite(x) && x >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  util::Diagnostics diagnostics;
  specs::Catalog catalog = fuzz::load_catalog_with(data, size, "systems/fuzz.json", diagnostics,
                                                   /*with_fixture_accelerator=*/true);
  fuzz::require(catalog.accelerators.size() == 1 || !diagnostics.empty());
  if (diagnostics.empty()) fuzz::require(catalog.systems.size() == 1);
  if (catalog.systems.empty()) return 0;
  const specs::System& s = catalog.systems.front();
  const std::string text = report::system_json(s).dump() + report::system_details(s) + report::specs_table(catalog) +
                           report::specs_list_json(catalog).dump();
  fuzz::require(!text.empty());
  if (!diagnostics.empty()) return 0;  // e.g. a system naming an unknown accelerator or clashing with fuzz-chip
  check_model(catalog, s);
  check_cost(catalog, s);
  return 0;
}
