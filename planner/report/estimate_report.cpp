#include "report/estimate_report.h"

#include <cmath>

#include <fmt/format.h>

#include "report/schema.h"
#include "report/table.h"
#include "search/sizing.h"

namespace planner::report {

using util::Json;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

Json layout_keys(const perf::TrainingLayout& l) {
  return {{"tp", l.tp}, {"pp", l.pp}, {"dp", l.dp}, {"cp", l.cp}, {"ep", l.ep}, {"mb", l.mb}, {"vp", l.vp},
          {"recompute", std::string(perf::to_string(l.recompute))}, {"sp", l.sp ? "on" : "off"}, {"zero", l.zero},
          {"spec", l.str()}, {"chips", l.chips()}};
}

Json search_json(const search::TrainingSearch& s) {
  return {{"evaluated", s.evaluated},
          {"rejected",
           {{"memory", s.rejected_count(perf::Rejection::memory)},
            {"divisibility", s.rejected_count(perf::Rejection::divisibility)},
            {"batch", s.rejected_count(perf::Rejection::batch)}}}};
}

std::string gib(double bytes) { return fixed(bytes / kGiB, 1); }

}  // namespace

Json training_layout_json(const search::RankedTraining& r) {
  const auto& e = r.estimate;
  const auto& t = e.time;
  const auto& m = e.memory;
  return {{"layout", layout_keys(r.layout)},
          {"step_time_s", e.step_time_s},
          {"tokens_per_s", e.tokens_per_s},
          {"tflops_per_chip", e.tflops_per_chip},
          {"hardware_tflops_per_chip", e.hardware_tflops_per_chip},
          {"mfu", e.mfu},
          {"days", e.days},
          {"goodput", e.goodput},
          {"microbatches", e.microbatches},
          {"global_batch_sequences", e.batch_sequences},
          {"memory_gib_per_chip", m.total() / kGiB},
          {"memory_breakdown_gib",
           {{"weights", m.weights / kGiB},
            {"gradients", m.gradients / kGiB},
            {"optimizer", m.optimizer / kGiB},
            {"activations", m.activations / kGiB},
            {"usable", e.usable_memory_bytes / kGiB}}},
          {"time_breakdown_s",
           {{"compute", t.compute},
            {"tp_comm", t.tp_comm},
            {"cp_comm", t.cp_comm},
            {"ep_comm", t.ep_comm},
            {"pp_comm", t.pp_comm},
            {"pp_bubble", t.pp_bubble},
            {"dp_comm", t.dp_comm},
            {"optimizer", t.optimizer},
            {"straggler", t.straggler}}}};
}

Json training_estimate_json(const EstimateHeader& h, const search::TrainingSearch& s) {
  Json out = {{"schema_version", kSchemaVersion}, {"workload", h.workload}, {"kind", "training"},  {"chip", h.chip},
              {"precision", h.precision}, {"count", h.count}, {"search", search_json(s)}};
  if (s.best.empty()) return out;
  const Json best = training_layout_json(s.best.front());
  for (const auto& [key, value] : best.items()) out[key] = value;
  out["chips_used"] = s.best.front().layout.chips();
  Json runners = Json::array();
  for (std::size_t i = 1; i < s.best.size(); ++i) runners.push_back(training_layout_json(s.best[i]));
  out["runners_up"] = std::move(runners);
  return out;
}

std::string training_estimate_table(const EstimateHeader& h, const search::TrainingSearch& s) {
  const auto& best = s.best.front();
  const auto& e = best.estimate;
  const auto& t = e.time;
  const auto& m = e.memory;
  std::string out = fmt::format("{} on {} x {} ({})\n", h.workload, grouped(static_cast<double>(h.count)), h.chip,
                                h.precision);
  out += fmt::format("  layout        {}  ({} chips used)\n", best.layout.str(), grouped(static_cast<double>(best.layout.chips())));
  out += fmt::format("  step time     {} s  ({} micro-batches per replica, global batch {} sequences)\n",
                     fixed(e.step_time_s, 3), e.microbatches, grouped(e.batch_sequences));
  out += fmt::format("  throughput    {} tokens/s  ({} tokens/s per chip)\n", grouped(e.tokens_per_s),
                     grouped(e.tokens_per_s / static_cast<double>(best.layout.chips())));
  out += fmt::format("  model FLOPs   {} TFLOPS per chip, MFU {}% of {} TFLOPS ({} TFLOPS executed, recompute "
                     "included)\n",
                     fixed(e.tflops_per_chip, 1), fixed(e.mfu * 100, 1), grouped(h.peak_tflops),
                     fixed(e.hardware_tflops_per_chip, 1));
  out += fmt::format("  memory        {} GiB per chip of {} usable (weights {}, gradients {}, optimizer {}, "
                     "activations {})\n",
                     gib(m.total()), gib(e.usable_memory_bytes), gib(m.weights), gib(m.gradients), gib(m.optimizer),
                     gib(m.activations));
  out += fmt::format("  time to train {} days, failures included (goodput {}%)\n", fixed(e.days, 1),
                     fixed(e.goodput * 100, 1));
  out += fmt::format("  step breakdown (s): compute {}, TP {}, CP {}, EP {}, PP p2p {}, PP bubble {}, DP {}, "
                     "optimizer {}, stragglers {}\n",
                     fixed(t.compute, 3), fixed(t.tp_comm, 3), fixed(t.cp_comm, 3), fixed(t.ep_comm, 3),
                     fixed(t.pp_comm, 3), fixed(t.pp_bubble, 3), fixed(t.dp_comm, 3), fixed(t.optimizer, 3),
                     fixed(t.straggler, 3));
  out += fmt::format("  searched {} layouts; rejected {} for memory, {} for divisibility, {} for batch\n",
                     grouped(static_cast<double>(s.evaluated)),
                     grouped(static_cast<double>(s.rejected_count(perf::Rejection::memory))),
                     grouped(static_cast<double>(s.rejected_count(perf::Rejection::divisibility))),
                     grouped(static_cast<double>(s.rejected_count(perf::Rejection::batch))));
  if (s.best.size() > 1) {
    Table runners;
    runners.add_column("RUNNER-UP LAYOUT", Align::left);
    for (const char* col : {"TOKENS/S", "MFU %", "GiB/CHIP", "CHIPS"}) runners.add_column(col);
    for (std::size_t i = 1; i < s.best.size(); ++i) {
      const auto& r = s.best[i];
      runners.add_row({r.layout.str(), grouped(r.estimate.tokens_per_s), fixed(r.estimate.mfu * 100, 1),
                       gib(r.estimate.memory.total()), grouped(static_cast<double>(r.layout.chips()))});
    }
    out += "\n" + runners.render();
  }
  return out;
}

Json inference_layout_json(const search::RankedInference& r) {
  const auto& e = r.estimate;
  const auto& l = r.layout;
  return {{"layout",
           {{"tp", l.tp}, {"ep", l.ep}, {"batch", l.batch}, {"disagg", l.disagg ? "on" : "off"}, {"spec", l.str()},
            {"replica_chips", l.replica_chips()}}},
          {"batch", l.batch},
          {"prefill_tokens_per_s_per_chip", e.prefill_tokens_per_s_per_chip},
          {"decode_tokens_per_s_per_chip", e.decode_tokens_per_s_per_chip},
          {"output_tokens_per_s_per_chip", e.output_tokens_per_s_per_chip},
          {"tpot_ms", e.tpot_ms},
          {"ttft_ms", e.ttft_ms},
          {"decode_step_ms", e.decode_step_s * 1e3},
          {"prefill_share", e.prefill_share},
          {"memory_gib_per_chip", e.memory_bytes_per_chip / kGiB},
          {"memory_breakdown_gib",
           {{"weights", e.weights_bytes_per_chip / kGiB},
            {"kv_cache", e.kv_bytes_per_chip / kGiB},
            {"usable", e.usable_memory_bytes / kGiB}}}};
}

Json inference_estimate_json(const EstimateHeader& h, const search::InferenceSearch& s, double demand) {
  Json out = {{"schema_version", kSchemaVersion}, {"workload", h.workload}, {"kind", "inference"}, {"chip", h.chip},
              {"precision", h.precision}, {"count", h.count},
              {"search",
               {{"evaluated", s.evaluated},
                {"rejected",
                 {{"memory", s.rejected_count(perf::Rejection::memory)},
                  {"divisibility", s.rejected_count(perf::Rejection::divisibility)},
                  {"slo", s.rejected_count(perf::Rejection::slo)}}}}}};
  if (s.best.empty()) return out;
  const auto& best = s.best.front();
  const Json figures = inference_layout_json(best);
  for (const auto& [key, value] : figures.items()) out[key] = value;
  const long long replicas = h.count / best.layout.replica_chips();
  out["replicas"] = replicas;
  out["output_tokens_per_s"] =
      best.estimate.output_tokens_per_s_per_chip * static_cast<double>(replicas * best.layout.replica_chips());
  out["demand_output_tokens_per_s"] = demand;
  const auto chips = search::serving_chips(best, search::unpacked(best.layout.replica_chips()), demand);
  out["chips_for_demand"] = chips.total;
  if (best.layout.disagg) {
    out["prefill_pool_chips"] = chips.prefill;
    out["decode_pool_chips"] = chips.decode;
  }
  Json runners = Json::array();
  for (std::size_t i = 1; i < s.best.size(); ++i) runners.push_back(inference_layout_json(s.best[i]));
  out["runners_up"] = std::move(runners);
  return out;
}

std::string inference_estimate_table(const EstimateHeader& h, const search::InferenceSearch& s, double demand) {
  const auto& best = s.best.front();
  const auto& e = best.estimate;
  const long long replicas = h.count / best.layout.replica_chips();
  std::string out = fmt::format("{} on {} x {} ({})\n", h.workload, grouped(static_cast<double>(h.count)), h.chip,
                                h.precision);
  out += fmt::format("  layout        {}  ({} chips per replica, {} replicas)\n", best.layout.str(),
                     best.layout.replica_chips(), grouped(static_cast<double>(replicas)));
  out += fmt::format("  output        {} tokens/s per chip end to end; {} tokens/s on {} chips\n",
                     grouped(e.output_tokens_per_s_per_chip),
                     grouped(e.output_tokens_per_s_per_chip * static_cast<double>(replicas * best.layout.replica_chips())),
                     grouped(static_cast<double>(h.count)));
  out += fmt::format("  prefill only  {} tokens/s per chip; decode only {} tokens/s per chip\n",
                     grouped(e.prefill_tokens_per_s_per_chip), grouped(e.decode_tokens_per_s_per_chip));
  out += fmt::format("  latency       TTFT {} ms, TPOT {} ms (decode step {} ms, prefill share {}%)\n",
                     fixed(e.ttft_ms, 1), fixed(e.tpot_ms, 2), fixed(e.decode_step_s * 1e3, 2),
                     fixed(e.prefill_share * 100, 1));
  out += fmt::format("  memory        {} GiB per chip of {} usable (weights {}, KV cache {})\n",
                     gib(e.memory_bytes_per_chip), gib(e.usable_memory_bytes), gib(e.weights_bytes_per_chip),
                     gib(e.kv_bytes_per_chip));
  const auto chips = search::serving_chips(best, search::unpacked(best.layout.replica_chips()), demand);
  out += fmt::format("  demand        {} output tokens/s needs {} chips with this layout\n", grouped(demand),
                     grouped(static_cast<double>(chips.total)));
  if (best.layout.disagg)
    out += fmt::format("  pools         prefill {} chips, decode {} chips (disaggregated, whole replicas)\n",
                       grouped(static_cast<double>(chips.prefill)), grouped(static_cast<double>(chips.decode)));
  out += fmt::format("  searched {} layouts; rejected {} for memory, {} for divisibility, {} for the SLO\n",
                     grouped(static_cast<double>(s.evaluated)),
                     grouped(static_cast<double>(s.rejected_count(perf::Rejection::memory))),
                     grouped(static_cast<double>(s.rejected_count(perf::Rejection::divisibility))),
                     grouped(static_cast<double>(s.rejected_count(perf::Rejection::slo))));
  if (s.best.size() > 1) {
    Table runners;
    runners.add_column("RUNNER-UP LAYOUT", Align::left);
    for (const char* col : {"OUT TOK/S/CHIP", "TPOT ms", "TTFT ms", "GiB/CHIP"}) runners.add_column(col);
    for (std::size_t i = 1; i < s.best.size(); ++i) {
      const auto& r = s.best[i];
      runners.add_row({r.layout.str(), grouped(r.estimate.output_tokens_per_s_per_chip), fixed(r.estimate.tpot_ms, 2),
                       fixed(r.estimate.ttft_ms, 1), gib(r.estimate.memory_bytes_per_chip)});
    }
    out += "\n" + runners.render();
  }
  return out;
}

}  // namespace planner::report
