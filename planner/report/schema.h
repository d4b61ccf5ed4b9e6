#pragma once
// The schema version of every JSON document clusterplan prints. One constant
// for every writer: bump it when a field is removed or changes meaning (adding
// a field does not bump it), and say in README.md ("JSON output") what changed.

namespace planner::report {

inline constexpr int kSchemaVersion = 2;

}  // namespace planner::report
