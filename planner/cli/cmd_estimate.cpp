// estimate WORKLOAD --chip ID --count N [--layout SPEC] [--frontier]: predicts
// one workload on one chip type and count, searching the layouts not pinned;
// --frontier gives a serving workload's throughput-interactivity frontier.

#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "perf/hardware.h"
#include "report/estimate_report.h"
#include "report/frontier_report.h"
#include "report/table.h"
#include "search/frontier.h"
#include "search/layout_search.h"
#include "util/json_reader.h"
#include "util/spellcheck.h"
#include "workload/loader.h"

namespace planner::cli {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Largest chip count accepted: ten million chips is beyond any planned cluster.
constexpr long long kMaxChipCount = 10'000'000;
// Most layouts reported: a longer list is not read by people, and scripts want the best.
constexpr int kMaxTop = 1'000;

void add_estimate_options(po::options_description& desc, po::positional_options_description& positional) {
  desc.add_options()
      ("workload", po::value<std::string>()->required()->value_name("WORKLOAD"), "workload file (examples/*.json)")
      ("chip", po::value<std::string>()->required()->value_name("ID"), "accelerator or system id (specs list)")
      ("count", po::value<long long>()->required()->value_name("N"), "chips available")
      ("layout", po::value<std::string>()->default_value("")->value_name("SPEC"),
       "pin layout keys, e.g. tp=8,pp=16,dp=64,cp=1,ep=1,mb=1,vp=1,recompute=none,sp=on,zero=1 (training; also "
       "etp=1|<tp>, act=fp8, moments=bf16, a2a_overlap=off, schedule=1f1b|dualpipe) or "
       "tp=8,ep=1,batch=256,disagg=off (inference); omitted keys are searched")
      ("top", po::value<int>()->default_value(5)->value_name("K"), "how many layouts to report (best and runners-up)")
      ("frontier", po::bool_switch(),
       "serving: the throughput-interactivity frontier instead of the best layout: output tokens/s per chip against "
       "tokens/s per user (1000 / TPOT), with TTFT, batch and layout at each point, over every layout and batch that "
       "fits (the SLO ignored, each point marked)")
      ("batch-tolerance", po::value<double>()->default_value(perf::kDefaultBatchTolerance, "0.05")->value_name("F"),
       "a training layout's global batch may differ from the workload's by this share (0 to 0.25)");
  positional.add("workload", 1);
}

// Explains why no training layout ran, for exit code 1.
std::string explain_training_failure(const perf::TrainingModel& model, const perf::Hardware& hw,
                                     const search::TrainingSearch& s, long long count) {
  if (s.nearest_memory_miss) {
    const auto& miss = *s.nearest_memory_miss;
    return fmt::format(
        "no layout fits in memory on {} chips: the nearest miss needs {} GiB per chip at {}; {} has {} GB "
        "({} GiB usable). More chips, a chip with more memory, or a smaller global batch per replica would help.\n",
        report::grouped(static_cast<double>(count)), report::fixed(miss.estimate.memory.total() / kGiB, 1),
        miss.layout.str(), hw.chip_id, report::fixed(hw.hbm_total_bytes / 1e9, 0),
        report::fixed(hw.hbm_bytes / kGiB, 1));
  }
  if (s.first_rule_broken)
    return "no layout is valid: " + perf::describe(perf::first_problem(model, *s.first_rule_broken), model,
                                                   *s.first_rule_broken) + "\n";
  return fmt::format("no layout uses at most {} chips with the pinned keys\n", count);
}

// Explains why no serving layout ran, for exit code 1.
std::string explain_inference_failure(const perf::InferenceModel& model, const perf::Hardware& hw,
                                      const search::InferenceSearch& s, long long count) {
  const auto& job = model.job;
  if (s.nearest_slo_miss) {
    const auto& miss = *s.nearest_slo_miss;
    return fmt::format(
        "no layout on {} chips meets the SLO (TTFT {} ms, TPOT {} ms): the closest, {}, reaches TTFT {} ms and "
        "TPOT {} ms. A faster chip, a larger tensor-parallel group (more chips per replica) or a looser target "
        "would help.\n",
        // The targets as written: a TPOT of 0.001 ms used to print as "0 ms".
        report::grouped(static_cast<double>(count)), job.ttft_ms ? util::format_number(*job.ttft_ms) : "-",
        job.tpot_ms ? util::format_number(*job.tpot_ms) : "-", miss.layout.str(), report::fixed(miss.estimate.ttft_ms, 1),
        report::fixed(miss.estimate.tpot_ms, 1));
  }
  if (s.nearest_memory_miss) {
    const auto& miss = *s.nearest_memory_miss;
    return fmt::format(
        "the model does not fit on {} chips: the nearest miss needs {} GiB per chip at {}; {} has {} GB ({} GiB "
        "usable). More chips per replica or a chip with more memory would help.\n",
        report::grouped(static_cast<double>(count)), report::fixed(miss.estimate.memory_bytes_per_chip / kGiB, 1),
        miss.layout.str(), hw.chip_id, report::fixed(hw.hbm_total_bytes / 1e9, 0), report::fixed(hw.hbm_bytes / kGiB, 1));
  }
  if (s.first_rule_broken)
    return "no serving layout is valid: " + perf::inference_layout_problem(model, *s.first_rule_broken) + "\n";
  return fmt::format("no serving layout is valid on {} chips with the pinned keys\n", count);
}

// No layout runs: the reason on stderr, and with --format json the result
// with its search counts and "why_not" on stdout (it used to print nothing
// there; plan prints JSON when infeasible too). Exit 1.
int infeasible(Context& ctx, util::Json doc, const std::string& why_not) {
  if (ctx.format == Format::json) {
    doc["why_not"] = why_not.ends_with('\n') ? why_not.substr(0, why_not.size() - 1) : why_not;
    print_json(ctx.out, doc);
  }
  ctx.err << why_not;
  return kExitInfeasible;
}

// estimate --frontier on a serving workload; exit 1 when no layout runs.
int print_frontier(Context& ctx, const report::EstimateHeader& header, const perf::InferenceModel& model,
                   const perf::Hardware& hw, const perf::InferencePins& pins, const std::string& measurement) {
  const auto f = search::inference_frontier(model, hw, header.count, pins);
  const std::vector<std::string> notes = {measurement};
  const auto doc = report::frontier_json(header, f, model, notes);
  if (f.points.empty())
    return infeasible(ctx, doc, fmt::format("no serving layout runs on {} x {} with the pinned keys (none both fits in "
                                            "memory and keeps the divisibility rules); estimate without --frontier "
                                            "names the nearest miss\n",
                                            report::grouped(static_cast<double>(header.count)), header.chip));
  if (ctx.format != Format::table) print_data(ctx, doc, "frontier");
  else ctx.out << report::frontier_table(header, f, model, notes);
  return kExitOk;
}

int estimate(Context& ctx) {
  const auto* catalog = ctx.sizing_catalog(/*needs_sites=*/false);
  if (!catalog) return kExitUsage;
  util::Diagnostics diagnostics;
  const auto workload = workload::load_workload(ctx.fs, ctx.vm["workload"].as<std::string>(), diagnostics);
  if (!workload) {
    ctx.err << diagnostics.str();
    return kExitUsage;
  }
  const bool frontier = ctx.vm["frontier"].as<bool>();
  if (frontier && workload->kind == workload::Kind::training) {
    ctx.err << fmt::format("clusterplan estimate: --frontier: {} is a training workload; the throughput-interactivity "
                           "frontier is drawn for serving workloads only\n", ctx.vm["workload"].as<std::string>());
    return kExitUsage;
  }
  const auto& chip = ctx.vm["chip"].as<std::string>();
  const long long count = ctx.vm["count"].as<long long>();
  if (count < 1 || count > kMaxChipCount) {
    ctx.err << fmt::format("clusterplan estimate: --count: expected a whole number from 1 to {}, got {}\n",
                           kMaxChipCount, count);
    return kExitUsage;
  }
  const int top = ctx.vm["top"].as<int>();
  if (top < 1 || top > kMaxTop) {
    ctx.err << fmt::format("clusterplan estimate: --top: expected a whole number from 1 to {}, got {}\n", kMaxTop, top);
    return kExitUsage;
  }
  const double batch_tolerance = ctx.vm["batch-tolerance"].as<double>();
  if (!(batch_tolerance >= 0 && batch_tolerance <= perf::kMaxBatchTolerance)) {
    ctx.err << fmt::format("clusterplan estimate: --batch-tolerance: expected a number from 0 to {}, got {}\n",
                           perf::kMaxBatchTolerance, batch_tolerance);
    return kExitUsage;
  }
  if (!catalog->find_accelerator(chip) && !catalog->find_system(chip)) {
    const auto ids = catalog->chip_ids();
    ctx.err << fmt::format("clusterplan estimate: --chip: no accelerator or system \"{}\"{}\n", chip,
                           util::did_you_mean(chip, ids));
    return kExitUsage;
  }
  perf::HardwareProblem problem;
  const auto hw = perf::make_hardware(*catalog, chip, workload->precision, problem);
  if (!hw) {
    ctx.err << "clusterplan estimate: " << problem.message << "\n";
    return kExitInfeasible;
  }
  std::vector<std::string> errors;
  const auto& spec = ctx.vm["layout"].as<std::string>();
  if (workload->kind == workload::Kind::training) {
    const auto pins = perf::parse_training_layout(spec, errors);
    if (!errors.empty()) {
      for (const auto& e : errors) ctx.err << "clusterplan estimate: --layout: " << e << "\n";
      return kExitUsage;
    }
    const auto model = perf::make_training_model(*workload, batch_tolerance);
    const auto result = search::search_training(model, *hw, count, pins, top);
    const report::EstimateHeader header{workload->name, chip, std::string(specs::to_string(workload->precision)),
                                        count, hw->peak_flops / 1e12};
    if (result.best.empty())
      return infeasible(ctx, report::training_estimate_json(header, result), explain_training_failure(model, *hw, result, count));
    if (ctx.format != Format::table) print_data(ctx, report::training_estimate_json(header, result), "fields");
    else ctx.out << report::training_estimate_table(header, result);
    return kExitOk;
  }
  const auto pins = perf::parse_inference_layout(spec, errors);
  if (!errors.empty()) {
    for (const auto& e : errors) ctx.err << "clusterplan estimate: --layout: " << e << "\n";
    return kExitUsage;
  }
  const auto model = perf::make_inference_model(*workload);
  const report::EstimateHeader header{workload->name, chip, std::string(specs::to_string(workload->precision)), count,
                                      hw->peak_flops / 1e12};
  // Whether published serving runs check this chip's family, or its numbers rest on estimates.
  const std::string measurement = "Performance model: " + catalog->constants->serving_measurement(hw->chip_id) + ".";
  if (frontier) return print_frontier(ctx, header, model, *hw, pins, measurement);
  const auto result = search::search_inference(model, *hw, count, pins, top);
  const double demand = workload->demanded_output_tokens_per_s();
  auto doc = report::inference_estimate_json(header, result, demand);
  doc["notes"] = util::Json::array({measurement});
  if (result.best.empty()) return infeasible(ctx, doc, explain_inference_failure(model, *hw, result, count));
  if (ctx.format != Format::table) print_data(ctx, doc, "fields");
  else ctx.out << report::inference_estimate_table(header, result, demand) << "note: " << measurement << "\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> estimate_commands() {
  return {{"estimate", "WORKLOAD --chip ID --count N",
           "predict a workload on one chip type: best layout, step time, MFU, memory, days",
           "Without --layout every valid layout is searched; --layout pins some keys. Exits 1 when no layout "
           "runs, naming the nearest miss. With --frontier (serving only) it prints the throughput-interactivity "
           "frontier instead: the layouts and batches no other beats on both tokens/s per chip and per user.",
           {Format::table, Format::json, Format::csv, Format::markdown}, add_estimate_options, estimate}};
}

}  // namespace planner::cli
