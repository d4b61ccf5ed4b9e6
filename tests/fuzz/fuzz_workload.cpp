// libFuzzer target: a workload file, read by workload::load_workload. When it
// loads, the transformer costs of its model, the training or serving model
// built from it, and one evaluation on fixed hardware are checked for finite
// numbers: every model shape the loader accepts must give a usable model.

#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "perf/transformer.h"
#include "workload/loader.h"

using namespace planner;

namespace {

void check_costs(const perf::TransformerCosts& c) {
  const double numbers[] = {c.total_params(),
                            c.active_params(),
                            c.forward_flops_per_token(0),
                            c.forward_flops_per_token(1e7),
                            c.attention_core_flops_per_context,
                            c.decode_attention_flops_per_context,
                            c.kv_elements_per_token_per_layer,
                            c.dense_layer_activation_bytes,
                            c.moe_layer_activation_bytes,
                            c.dense_layer_elementwise_bytes,
                            c.moe_layer_elementwise_bytes,
                            c.router_params,
                            c.embedding_params};
  for (const double x : numbers) fuzz::require(std::isfinite(x) && x >= 0);
  fuzz::require(c.total_params() > 0 && c.active_params() > 0 &&
                c.active_params() <= c.total_params() + c.embedding_params);
  fuzz::require(c.layers == c.dense_layers + c.moe_layers && c.layers > 0);
}

// The layouts tried: one chip, and every tp dividing the heads up to 8 with
// pipeline stages when the model is deep enough.
void check_training(const workload::Workload& w) {
  const perf::TrainingModel model = perf::make_training_model(w);
  const double numbers[] = {model.batch_sequences, model.model_flops_per_token, model.forward_flops_per_token,
                            model.attention_forward_flops_per_token};
  for (const double x : numbers) fuzz::require(std::isfinite(x) && x >= 0);
  fuzz::require(model.batch_sequences >= 1);
  static const perf::Hardware hw = fuzz::fixed_hardware();
  for (const int tp : {1, 2, 8}) {
    perf::TrainingLayout layout;
    layout.tp = tp;
    layout.pp = w.model.layers >= 4 ? 4 : 1;
    layout.recompute = tp == 8 ? perf::Recompute::full : perf::Recompute::none;
    layout.zero = tp == 2 ? 3 : 1;
    const auto e = perf::evaluate_training(model, hw, layout, /*stop_at_memory=*/false);
    fuzz::check_training(e);
    if (e.rejection != perf::Rejection::none)
      fuzz::require(!perf::describe(perf::first_problem(model, layout), model, layout).empty() ||
                    e.rejection == perf::Rejection::memory);
  }
}

void check_inference(const workload::Workload& w) {
  fuzz::require_finite(w.demanded_output_tokens_per_s());
  fuzz::require(w.demanded_output_tokens_per_s() > 0);
  const perf::InferenceModel model = perf::make_inference_model(w);
  fuzz::require_finite(model.prefill_flops_per_token);
  static const perf::Hardware hw = fuzz::fixed_hardware();
  for (const int tp : {1, 8}) {
    perf::InferenceLayout layout;
    layout.tp = tp;
    layout.ep = w.model.moe ? 4 * tp : 1;
    layout.batch = 16;
    layout.disagg = tp == 8;
    fuzz::check_inference(perf::evaluate_inference(model, hw, layout));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fs = fuzz::file_system_with(data, size, "/work/fuzz.json");
  util::Diagnostics diagnostics;
  const auto w = workload::load_workload(fs, "/work/fuzz.json", diagnostics);
  fuzz::render(diagnostics);
  fuzz::require(w.has_value() == diagnostics.empty());
  if (!w) return 0;
  check_costs(perf::transformer_costs(w->model));
  if (w->kind == workload::Kind::training)
    check_training(*w);
  else
    check_inference(*w);
  return 0;
}
