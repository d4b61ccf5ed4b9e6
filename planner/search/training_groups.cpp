#include "search/training_groups.h"

#include <algorithm>
#include <cmath>

#include "perf/collectives.h"
#include "perf/expert_exchange.h"
#include "perf/scale_effects.h"
#include "perf/training_parts.h"

namespace planner::search {

std::vector<int> powers_of_two_up_to(long long limit) {
  std::vector<int> out;
  for (long long v = 1; v <= limit; v *= 2) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<long long> divisors(long long n) {
  std::vector<long long> small, large;
  for (long long d = 1; d * d <= n; ++d) {
    if (n % d != 0) continue;
    small.push_back(d);
    if (d != n / d) large.push_back(n / d);
  }
  small.insert(small.end(), large.rbegin(), large.rend());
  return small;
}

namespace {

// Bytes per activation element tensor parallelism exchanges (BF16).
constexpr double kActivationBytes = 2;

std::vector<int> pinned_or(const std::optional<int>& pin, std::vector<int> candidates) {
  if (pin) return {*pin};
  return candidates;
}

}  // namespace

std::vector<int> data_parallel_degrees(const perf::TrainingModel& model, long long max_dp,
                                       const std::optional<int>& pin) {
  if (pin) return *pin <= max_dp ? std::vector<int>{*pin} : std::vector<int>{};
  // No replica takes less than one sequence: dp stays within the batch and its tolerance.
  const auto batch = static_cast<long long>(model.batch_sequences);
  const double most = std::floor(model.batch_sequences * (1 + model.batch_tolerance));
  const auto limit = static_cast<long long>(std::min(static_cast<double>(max_dp), most));
  std::vector<int> out;
  for (long long dp = 1; dp <= limit;) {
    out.push_back(static_cast<int>(dp));
    dp = dp < kEveryDpUpTo ? dp + 1
                           : std::max(dp + 1, static_cast<long long>(std::floor(static_cast<double>(dp) * kDpStepRatio)));
  }
  for (const auto d : divisors(batch))
    if (d > kEveryDpUpTo && d <= limit) out.push_back(static_cast<int>(d));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::erase_if(out, [&](int dp) { return perf::sequences_per_replica(model, dp) == 0; });
  return out;
}

std::vector<int> pipeline_depths(const perf::TrainingModel& model, const std::optional<int>& pin) {
  if (pin) return {*pin};
  // The fewest stages for each fullest-stage layer count: a deeper pipeline
  // whose fullest stage holds as many layers runs the same stage time with a
  // longer bubble, more micro-batches in flight and more chips.
  const int layers = model.costs.layers;
  std::vector<int> out;
  for (int per_stage = layers; per_stage >= 1; --per_stage) {
    const int pp = (layers + per_stage - 1) / per_stage;
    if (out.empty() || out.back() != pp) out.push_back(pp);
  }
  return out;
}

std::vector<Shape> model_parallel_shapes(const perf::TrainingModel& model, long long max_chips,
                                         const perf::TrainingPins& pins) {
  std::vector<Shape> out;
  const auto tps = pinned_or(pins.tp, powers_of_two_up_to(std::min<long long>(kMaxTp, max_chips)));
  const auto cps =
      pinned_or(pins.cp, powers_of_two_up_to(std::min<long long>(kMaxCp, static_cast<long long>(model.seq_len))));
  const auto pps = pipeline_depths(model, pins.pp);
  for (const int tp : tps)
    for (const int cp : cps)
      for (const int pp : pps)
        if (static_cast<long long>(tp) * cp * pp <= max_chips) out.push_back({tp, cp, pp});
  return out;
}

GroupBounds::GroupBounds(const perf::TrainingModel& model, const perf::Hardware& hw, const perf::TrainingPins& pins)
    : model_(model), pins_(pins) {
  const auto& c = model.costs;
  const double attention_passes = model.flash_attention ? 3.5 : 3.0;
  // Attention core per token per layer, causal: half the sequence attended on average.
  const double attention_s =
      attention_passes * c.attention_core_flops_per_context * (model.seq_len / 2) / hw.attention_flops;
  const double attention_gemm = c.attention.flops_per_token();
  // GEMMs at a training step's GEMM rate; the router and (FP8 training) the
  // output head at its BF16 rate, as the step model runs them.
  const double gemm_rate = hw.training_matmul_flops;
  const double bf16_rate = hw.bytes_per_weight >= 2 ? hw.training_matmul_flops : hw.training_bf16_matmul_flops;
  // Element-wise passes (norms, residuals, activations, FP8 casts) stream their
  // bytes forward and twice backward at the memory bandwidth.
  const double dense_bytes = c.dense_layer_elementwise_bytes + perf::detail::fp8_cast_bytes_per_token(c, hw, false);
  const double moe_bytes = c.moe_layer_elementwise_bytes + perf::detail::fp8_cast_bytes_per_token(c, hw, true);
  dense_layer_s_ = 3 * (attention_gemm + c.dense_ffn.flops_per_token()) / gemm_rate + attention_s +
                   3 * dense_bytes / hw.hbm_bytes_per_s;
  const double moe_gemm = attention_gemm + c.shared_ffn.flops_per_token() + c.top_k * c.expert_ffn.flops_per_token();
  // Token permutation at its least (ep = 1: no sorting by local expert).
  const auto io = perf::detail::moe_token_io_bytes(c, hw, 1);
  moe_layer_s_ = 3 * moe_gemm / gemm_rate + 3 * 2 * c.router_params / hw.training_bf16_matmul_flops + attention_s +
                 (3 * moe_bytes + io.forward + io.backward) / hw.hbm_bytes_per_s;
  head_s_ = 3 * 2 * c.embedding_params / bf16_rate;
  mtp_projection_s_ = 3 * 2 * (2 * c.hidden) * c.hidden / gemm_rate;
  hw_ = &hw;
}

double GroupBounds::tail_seconds_per_token(double moe_layer_s) const {
  // The head, then each MTP module: its [hidden; embedding] projection, one
  // more layer like the model's last, and another pass of the head (perf's
  // mtp_module_time).
  const auto& c = model_.costs;
  const double mtp_layer_s = c.moe_layers > 0 ? moe_layer_s : dense_layer_s_;
  return head_s_ + c.mtp_layers * (mtp_projection_s_ + mtp_layer_s + head_s_);
}

double GroupBounds::tp_seconds_per_token(int tp, int pp) const {
  if (tp == 1) return 0;
  // Forward and backward, an all-gather and a reduce-scatter around attention
  // and the dense FFN (around attention only in an expert-parallel MoE layer),
  // each moving the activations at the TP group's bandwidth; per token at the
  // largest micro-batch, where a collective's fixed costs weigh least.
  const auto& c = model_.costs;
  const double tokens = std::max(kMaxMicroBatch, pins_.mb.value_or(1)) * model_.seq_len;
  const double per_collective_s =
      perf::ring_gather_time(tokens * c.hidden * kActivationBytes, tp, perf::group_link(*hw_, tp, 1)) / tokens;
  const auto stage = perf::fullest_stage(c, pp);
  const double fullest = stage.dense_layers * 8 + stage.moe_layers * 4;
  const double average = (c.dense_layers * 8.0 + c.moe_layers * 4.0) / pp;
  return std::max(fullest, average) * per_collective_s;
}

double GroupBounds::stage_seconds_per_token(int pp, double moe_layer_s, double moe_exchange_s) const {
  // As perf's slowest_stage_compute: the head and the MTP modules (the tail)
  // sit on the last stage; with pp > 1 the slowest stage takes the most of the
  // fullest layer stage, an even share of all the work, and the tail alone.
  // The expert exchange is summed over the fullest stage on its own.
  const auto& c = model_.costs;
  const auto stage = perf::fullest_stage(c, pp);
  const double tail = tail_seconds_per_token(moe_layer_s);
  const double fullest = stage.dense_layers * dense_layer_s_ + stage.moe_layers * moe_layer_s;
  const double average = (c.dense_layers * dense_layer_s_ + c.moe_layers * moe_layer_s) / pp;
  const double exchange = std::max(static_cast<double>(stage.moe_layers), c.moe_layers / static_cast<double>(pp)) *
                          moe_exchange_s;
  if (pp <= 1) return std::max(fullest, average) + tail + exchange;
  return std::max({fullest, average + tail / pp, tail}) + exchange;
}

double GroupBounds::upper_tokens_per_s(const Group& g) const { return bound(g, moe_layer_s_, 0); }

double GroupBounds::upper_tokens_per_s(const Group& g, int ep, int largest_mb,
                                       std::optional<perf::Schedule> schedule) const {
  const auto& c = model_.costs;
  if (ep <= 1 || c.moe_layers == 0) return bound(g, moe_layer_s_, 0, schedule);
  // With experts spread over ep > 1 ranks the busiest rank sets the pace: its
  // grouped GEMM runs the routing load ratio times the mean rows plus half an
  // alignment block per local expert, tokens are sorted by local expert, and the dispatch and combine
  // all-to-alls (paced by the same rank) are exposed by at least
  // 1 - ep_overlap. Per token at the largest micro-batch, where padding and
  // latencies weigh least.
  const auto& hw = *hw_;
  const double load = perf::routing_load_ratio(c, hw);
  const double rows = largest_mb * model_.seq_len / g.cp;  // per chip per micro-batch
  const double sent = rows / g.tp;
  // The expert layout the group's layouts take (perf's expert_rank_stride):
  // folded, contiguous expert ranks unless etp = tp is pinned.
  const int etp = pins_.etp.value_or(1);
  const long long stride = etp > 1 ? g.tp : 1;
  const double expert_s = c.expert_ffn.flops_per_token() / hw.training_matmul_flops;
  // Padding rows per local expert, each on the chip's 1/etp slice of the FFN.
  const double padding_rows = static_cast<double>(c.experts) / ep * hw.grouped_gemm_row_alignment / 2 / etp;
  const auto io = perf::detail::moe_token_io_bytes(c, hw, ep);
  const auto least_io = perf::detail::moe_token_io_bytes(c, hw, 1);
  const double extra_io_s = (io.forward + io.backward - least_io.forward - least_io.backward) / hw.hbm_bytes_per_s;
  const double moe_layer_s = moe_layer_s_ + 3 * expert_s * (c.top_k * (load - 1) + padding_rows / sent) + extra_io_s;
  const double a2a = 2 * load *
                     (perf::expert_all_to_all_time(hw, ep, stride, sent, c.top_k, c.hidden * hw.bytes_per_weight) +
                      perf::expert_all_to_all_time(hw, ep, stride, sent, c.top_k, c.hidden * kActivationBytes));
  // The least exposure of the schedule, or of any the layouts may take
  // (perf's layer_times: DualPipe hides ep_overlap, 1F1B ep_overlap_1f1b).
  const double most_hidden = !schedule ? std::max(hw.ep_overlap, hw.ep_overlap_1f1b)
                             : *schedule == perf::Schedule::dualpipe ? hw.ep_overlap
                                                                     : hw.ep_overlap_1f1b;
  const double exposed = pins_.a2a_overlap.value_or(true) ? std::max(0.0, 1 - most_hidden) : 1.0;
  return bound(g, moe_layer_s, exposed * a2a / sent, schedule);
}

bool tries_dualpipe(const perf::TrainingModel& model, const perf::TrainingPins& pins) {
  if (pins.schedule) return *pins.schedule == perf::Schedule::dualpipe;
  return model.costs.moe_layers > 0 && (!pins.vp || *pins.vp == 1);
}

double GroupBounds::bound(const Group& g, double moe_layer_s, double moe_exchange_s,
                          std::optional<perf::Schedule> schedule) const {
  // Micro-batches per replica are at most the replica's share of the largest
  // batch the tolerance allows (a continuous bound, so the result rises with dp).
  const double most_batch = model_.batch_sequences * (1 + model_.batch_tolerance);
  const double most_microbatches = most_batch / g.dp / (pins_.mb ? *pins_.mb : 1);
  const int per_stage = (model_.costs.layers + g.pp - 1) / g.pp;
  const int most_interleaving = pins_.vp ? *pins_.vp : std::min(kMaxVirtualStages, per_stage);
  // perf's pipeline_bubble, the least of the schedules the layouts may take.
  const double one_f_one_b = (g.pp - 1.0) / (most_interleaving * std::max(1.0, most_microbatches));
  const double dualpipe = std::max(0.0, g.pp / 2.0 - 1) * (2.0 / 3.0) / std::max(1.0, most_microbatches);
  if (!schedule && pins_.schedule) schedule = pins_.schedule;
  double least_bubble = one_f_one_b;
  if (schedule == perf::Schedule::dualpipe) least_bubble = dualpipe;
  else if (!schedule && tries_dualpipe(model_, pins_)) least_bubble = std::min(one_f_one_b, dualpipe);
  const double chips = static_cast<double>(g.chips());
  // Stragglers add a fraction of the whole step (perf::straggler_slowdown).
  const double seconds_per_token =
      stage_seconds_per_token(g.pp, moe_layer_s, moe_exchange_s) + g.tp * tp_seconds_per_token(g.tp, g.pp);
  return static_cast<double>(g.dp) * g.cp * g.tp /
         (seconds_per_token * (1 + least_bubble) * (1 + perf::straggler_slowdown(*hw_, chips)));
}

}  // namespace planner::search
