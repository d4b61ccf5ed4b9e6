#pragma once
// Renders `estimate` results: the chosen layout with its time and memory
// breakdown, the runners-up, and what the search rejected.

#include <string>
#include <utility>

#include "search/layout_search.h"
#include "util/json_reader.h"

namespace planner::report {

struct EstimateHeader {
  std::string workload;
  std::string chip;       // accelerator or system id
  std::string precision;  // "bf16"
  long long count = 0;    // chips available
  double peak_tflops = 0; // dense peak at the precision
};

util::Json training_estimate_json(const EstimateHeader& h, const search::TrainingSearch& s);
std::string training_estimate_table(const EstimateHeader& h, const search::TrainingSearch& s);

// One layout's figures as JSON (shared by the best and the runners-up).
util::Json training_layout_json(const search::RankedTraining& r);

// `demand_output_tokens_per_s` sizes the fleet the demand needs.
util::Json inference_estimate_json(const EstimateHeader& h, const search::InferenceSearch& s,
                                   double demand_output_tokens_per_s);
std::string inference_estimate_table(const EstimateHeader& h, const search::InferenceSearch& s,
                                     double demand_output_tokens_per_s);
util::Json inference_layout_json(const search::RankedInference& r);

}  // namespace planner::report
