#pragma once
// Renders a sweep: one row per point and workload (one row for a point with
// no feasible plan), in grid order. CSV and JSON Lines are written so that
// the outputs of a grid's shards, concatenated in order, are the output of the
// whole grid: the CSV header comes only with the first shard, and each JSON
// line stands alone.

#include <string>
#include <vector>

#include "search/sweep.h"

namespace planner::report {

std::string sweep_csv(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows,
                      bool header);
std::string sweep_json_lines(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows);
std::string sweep_table(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows);

}  // namespace planner::report
