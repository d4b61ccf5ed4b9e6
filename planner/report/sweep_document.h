#pragma once
// A sweep's rows as a Document for the xlsx writer: the columns of its CSV
// (one row per point and workload, the axis values first), numbers as numbers.

#include <vector>

#include "report/document.h"
#include "search/sweep.h"

namespace planner::report {

Document sweep_document(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows);

}  // namespace planner::report
