#pragma once
// Renders a sweep: one row per point and workload (one row for a point with
// no feasible plan), in grid order. CSV and JSON Lines are written so that
// the outputs of a grid's shards, concatenated in order, are the output of the
// whole grid: the CSV header comes only with the first shard, and each JSON
// line stands alone.

#include <string>
#include <vector>

#include "search/sweep.h"
#include "search/tornado.h"
#include "util/json_reader.h"

namespace planner::report {

std::string sweep_csv(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows,
                      bool header);
std::string sweep_json_lines(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows);
std::string sweep_table(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows);

// A tornado: the inputs ranked by how far each moves the plan's TCO over its
// range, with the base plan's TCO.
std::string tornado_table(const std::vector<search::TornadoBar>& bars, double base_tco_usd);
util::Json tornado_json(const std::vector<search::TornadoBar>& bars, double base_tco_usd);
std::string tornado_csv(const std::vector<search::TornadoBar>& bars, double base_tco_usd);

}  // namespace planner::report
