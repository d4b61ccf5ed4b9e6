// The training model's entry points; its parts live in training_rules.cpp,
// training_memory.cpp and training_step.cpp (declared in training_parts.h).
#include "perf/training.h"

#include <cmath>

#include "perf/training_parts.h"

namespace planner::perf {

TrainingModel make_training_model(const workload::Workload& w, double batch_tolerance) {
  TrainingModel m;
  m.costs = transformer_costs(w.model);
  m.seq_len = w.training.seq_len;
  m.global_batch_tokens = w.training.global_batch_tokens;
  m.batch_sequences = std::floor(w.training.global_batch_tokens / w.training.seq_len);
  m.batch_tolerance = batch_tolerance;
  m.tokens = w.training.tokens;
  m.flash_attention = w.training.flash_attention;
  m.forward_flops_per_token = m.costs.forward_flops_per_token(m.seq_len / 2);
  m.attention_forward_flops_per_token = m.forward_flops_per_token - m.costs.forward_flops_per_token(0);
  m.model_flops_per_token = 3 * m.forward_flops_per_token;
  return m;
}

namespace {

// Tokens/s, achieved FLOPs, MFU, goodput and days from the step time.
void summarise(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l, TrainingEstimate& e) {
  const TrainingTime& t = e.time;
  e.step_time_s =
      t.compute + t.tp_comm + t.cp_comm + t.ep_comm + t.pp_comm + t.pp_bubble + t.dp_comm + t.optimizer + t.straggler;
  e.tokens_per_s = e.batch_sequences * model.seq_len / e.step_time_s;
  const double chips = static_cast<double>(l.chips());
  e.tflops_per_chip = e.tokens_per_s * model.model_flops_per_token / chips / 1e12;
  e.mfu = e.tflops_per_chip * 1e12 / hw.peak_flops;
  double recomputed = 0;
  if (l.recompute == Recompute::full) recomputed = model.forward_flops_per_token;
  if (l.recompute == Recompute::selective && !model.flash_attention) recomputed = model.attention_forward_flops_per_token;
  e.hardware_tflops_per_chip = e.tokens_per_s * (model.model_flops_per_token + recomputed) / chips / 1e12;
  e.goodput = goodput(hw, chips);
  e.days = model.tokens / e.tokens_per_s / e.goodput / 86400;
}

}  // namespace

TrainingEstimate evaluate_training(const TrainingModel& model, const Hardware& hw, const TrainingLayout& l,
                                   bool stop_at_memory) {
  TrainingEstimate e;
  if (const auto problem = first_problem(model, l); problem != LayoutProblem::none) {
    e.rejection = problem == LayoutProblem::batch ? Rejection::batch : Rejection::divisibility;
    return e;
  }
  e.microbatches = detail::microbatches_per_replica(model, l);
  e.batch_sequences = static_cast<double>(sequences_per_replica(model, l.dp)) * l.dp;
  const detail::StageShape stage = detail::fullest_stage(model.costs, l.pp);
  const detail::StageParams params = detail::stage_params(model.costs, l, stage);
  e.memory = detail::training_memory(model, l, stage, params, e.microbatches);
  e.usable_memory_bytes = hw.hbm_bytes;
  if (e.memory.total() > hw.hbm_bytes) {
    e.rejection = Rejection::memory;
    if (stop_at_memory) return e;
  }
  e.time = detail::step_time(model, hw, l, stage, params, e.microbatches);
  summarise(model, hw, l, e);
  return e;
}

}  // namespace planner::perf
