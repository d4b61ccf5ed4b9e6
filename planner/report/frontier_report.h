#pragma once
// Renders `estimate --frontier`: the throughput-interactivity frontier of
// one chip and count, one row per point, slowest for users first.

#include <string>
#include <vector>

#include "report/estimate_report.h"
#include "search/frontier.h"

namespace planner::report {

// `notes`: sentences printed under the table and in the JSON's "notes"
// (the chip's serving measurement among them).
util::Json frontier_json(const EstimateHeader& h, const search::InferenceFrontier& f, const perf::InferenceModel& model,
                         const std::vector<std::string>& notes);
std::string frontier_table(const EstimateHeader& h, const search::InferenceFrontier& f,
                           const perf::InferenceModel& model, const std::vector<std::string>& notes);

// The sentence saying which points meet the workload's SLO.
std::string frontier_slo_note(const perf::InferenceModel& model);

}  // namespace planner::report
