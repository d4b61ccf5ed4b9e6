// The rules a training layout must meet: divisibility, the batch split, and
// which pipeline stage is fullest.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "perf/training_parts.h"
#include "util/json_reader.h"

namespace planner::perf {

namespace detail {

double ceil_div(double a, double b) { return std::ceil(a / b); }

long long microbatches_per_replica(const TrainingModel& model, const TrainingLayout& l) {
  return sequences_per_replica(model, l.dp) / l.mb;
}

}  // namespace detail

using detail::ceil_div;

long long expert_rank_span(const TrainingLayout& l) {
  const long long dp_cp = static_cast<long long>(l.dp) * l.cp;
  return l.etp > 1 ? dp_cp : dp_cp * l.tp;
}

StageShape fullest_stage(const TransformerCosts& c, int pp) {
  const double per_stage = ceil_div(c.layers, pp);
  StageShape s;
  s.moe_layers = std::min(per_stage, ceil_div(c.moe_layers, pp));
  s.dense_layers = per_stage - s.moe_layers;
  return s;
}

long long sequences_per_replica(const TrainingModel& model, long long dp) {
  const auto batch = static_cast<long long>(model.batch_sequences);
  if (dp < 1 || batch < 1) return 0;
  const long long per_replica = std::max(1LL, (batch + dp / 2) / dp);
  const double off = std::abs(static_cast<double>(per_replica) * static_cast<double>(dp) - static_cast<double>(batch));
  return off <= model.batch_tolerance * static_cast<double>(batch) ? per_replica : 0;
}

std::string_view to_string(Rejection r) {
  switch (r) {
    case Rejection::none: return "none";
    case Rejection::divisibility: return "divisibility";
    case Rejection::batch: return "batch";
    case Rejection::memory: return "memory";
    case Rejection::slo: return "slo";
    case Rejection::count: break;
  }
  return "none";
}

LayoutProblem first_problem(const TrainingModel& model, const TrainingLayout& l) {
  const auto& c = model.costs;
  if (static_cast<long long>(c.heads) % l.tp != 0) return LayoutProblem::tp_heads;
  if (l.pp > c.layers) return LayoutProblem::pp_layers;
  if (l.vp > 1 && l.pp == 1) return LayoutProblem::vp_without_pp;
  if (l.vp > ceil_div(c.layers, l.pp)) return LayoutProblem::vp_layers;
  if (static_cast<long long>(model.seq_len) % l.cp != 0) return LayoutProblem::cp_seq;
  if (l.ep > 1 && c.moe_layers == 0) return LayoutProblem::ep_dense;
  if (l.ep > 1 && c.experts % l.ep != 0) return LayoutProblem::ep_experts;
  if (l.etp != 1 && l.etp != l.tp) return LayoutProblem::etp;
  if (l.ep > 1 && expert_rank_span(l) % l.ep != 0) return LayoutProblem::ep_dp;
  const long long per_replica = sequences_per_replica(model, l.dp);
  if (per_replica == 0 || per_replica % l.mb != 0) return LayoutProblem::batch;
  // DualPipe runs two directions of pp stages each, fed half the micro-batches.
  if (l.schedule == Schedule::dualpipe &&
      (l.pp < 2 || l.pp % 2 != 0 || l.vp != 1 || per_replica / l.mb < l.pp || (per_replica / l.mb) % 2 != 0))
    return LayoutProblem::dualpipe;
  return LayoutProblem::none;
}

std::string describe(LayoutProblem problem, const TrainingModel& model, const TrainingLayout& l) {
  const auto& c = model.costs;
  switch (problem) {
    case LayoutProblem::none: return "";
    case LayoutProblem::tp_heads:
      return fmt::format("tp={} does not divide the {} attention heads", l.tp, c.heads);
    case LayoutProblem::pp_layers: return fmt::format("pp={} exceeds the {} layers", l.pp, c.layers);
    case LayoutProblem::vp_without_pp: return fmt::format("vp={} needs pipeline parallelism (pp > 1)", l.vp);
    case LayoutProblem::vp_layers:
      return fmt::format("vp={} exceeds the {} layers per stage", l.vp, ceil_div(c.layers, l.pp));
    case LayoutProblem::cp_seq: return fmt::format("cp={} does not divide the sequence length {}", l.cp, model.seq_len);
    case LayoutProblem::ep_dense: return fmt::format("ep={} needs a mixture-of-experts model", l.ep);
    case LayoutProblem::ep_experts: return fmt::format("ep={} does not divide the {} experts", l.ep, c.experts);
    case LayoutProblem::etp: return fmt::format("etp={} must be 1 or tp={}", l.etp, l.tp);
    case LayoutProblem::ep_dp:
      if (l.etp > 1)
        return fmt::format("ep={} does not divide dp x cp = {} (with etp={} the experts are TP-split and ep lies "
                           "within dp x cp)",
                           l.ep, expert_rank_span(l), l.etp);
      return fmt::format("ep={} does not divide tp x dp x cp = {}", l.ep, expert_rank_span(l));
    case LayoutProblem::dualpipe:
      return fmt::format("schedule=dualpipe needs an even pp of at least 2, vp=1 and an even number of at least pp "
                         "micro-batches per replica (pp={}, vp={}, {} micro-batches)",
                         l.pp, l.vp, sequences_per_replica(model, l.dp) / l.mb);
    case LayoutProblem::batch: {
      const long long per_replica = sequences_per_replica(model, l.dp);
      const auto target = util::format_count(model.batch_sequences);
      const auto tolerance = fmt::format("{:g}", model.batch_tolerance * 100);
      if (per_replica == 0)
        return fmt::format("the global batch of {} sequences (within {}%) does not split into dp={} replicas", target,
                           tolerance, l.dp);
      return fmt::format("mb={} does not divide the {} sequences per replica (dp={}, global batch {} of {} within {}%)",
                         l.mb, per_replica, l.dp, util::format_count(static_cast<double>(per_replica) * l.dp), target,
                         tolerance);
    }
  }
  return "";
}

}  // namespace planner::perf
