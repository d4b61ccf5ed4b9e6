#include "report/frontier_report.h"

#include <fmt/format.h>

#include "report/schema.h"
#include "report/table.h"
#include "util/json_reader.h"

namespace planner::report {

using util::Json;

namespace {

bool meets_slo(const search::RankedInference& r) { return !r.estimate.slo_missed; }

constexpr const char* kAxesNote =
    "Output tokens/s per chip: one replica end to end, prefill included, over its chips; tokens/s per user: 1000 / "
    "TPOT. Batch: sequences in flight per replica.";

}  // namespace

std::string frontier_slo_note(const perf::InferenceModel& model) {
  const auto& job = model.job;
  if (!job.ttft_ms && !job.tpot_ms) return "The workload sets no TTFT or TPOT target: every point meets it.";
  std::string targets;
  if (job.ttft_ms) targets += fmt::format("TTFT {} ms", util::format_number(*job.ttft_ms));
  if (job.tpot_ms) targets += fmt::format("{}TPOT {} ms", targets.empty() ? "" : " and ", util::format_number(*job.tpot_ms));
  return fmt::format("SLO yes: the point meets the workload's {}; plan and compare pick among those points.", targets);
}

Json frontier_json(const EstimateHeader& h, const search::InferenceFrontier& f, const perf::InferenceModel& model,
                   const std::vector<std::string>& notes) {
  Json points = Json::array();
  for (const auto& r : f.points) {
    Json p = inference_layout_json(r);
    p["tokens_per_s_per_user"] = search::tokens_per_s_per_user(r.estimate);
    p["meets_slo"] = meets_slo(r);
    points.push_back(std::move(p));
  }
  Json all_notes = Json::array();
  all_notes.push_back(kAxesNote);
  all_notes.push_back(frontier_slo_note(model));
  for (const auto& n : notes) all_notes.push_back(n);
  return {{"schema_version", kSchemaVersion}, {"workload", h.workload}, {"kind", "inference"}, {"chip", h.chip},
          {"precision", h.precision}, {"count", h.count},
          {"search",
           {{"evaluated", f.evaluated},
            {"running", f.running},
            {"rejected",
             {{"memory", f.rejected_count(perf::Rejection::memory)},
              {"divisibility", f.rejected_count(perf::Rejection::divisibility)}}}}},
          {"frontier", std::move(points)}, {"notes", std::move(all_notes)}};
}

std::string frontier_table(const EstimateHeader& h, const search::InferenceFrontier& f,
                           const perf::InferenceModel& model, const std::vector<std::string>& notes) {
  std::string out = fmt::format("{} on {} x {} ({}): throughput-interactivity frontier\n", h.workload,
                                grouped(static_cast<double>(h.count)), h.chip, h.precision);
  out += fmt::format("{} points of {} layouts that run ({} evaluated); no layout gives both more tokens/s per chip "
                     "and more tokens/s per user than a point\n\n",
                     f.points.size(), grouped(static_cast<double>(f.running)), grouped(static_cast<double>(f.evaluated)));
  Table t;
  t.add_column("TOK/S/USER");
  t.add_column("OUT TOK/S/CHIP");
  t.add_column("TPOT ms");
  t.add_column("TTFT ms");
  t.add_column("BATCH");
  t.add_column("SLO", Align::left);
  t.add_column("LAYOUT", Align::left);
  for (const auto& r : f.points) {
    const auto& e = r.estimate;
    t.add_row({fixed(search::tokens_per_s_per_user(e), 1), grouped(e.output_tokens_per_s_per_chip), fixed(e.tpot_ms, 2),
               fixed(e.ttft_ms, 1), grouped(r.layout.batch), meets_slo(r) ? "yes" : "no", r.layout.str()});
  }
  out += t.render();
  out += fmt::format("\n{}\n{}\n", kAxesNote, frontier_slo_note(model));
  for (const auto& n : notes) out += n + "\n";
  return out;
}

}  // namespace planner::report
