#pragma once
// `plan` and `compare` results as Documents (document.h) for the csv,
// markdown, xlsx and html writers: the same fields as plan_json and
// compare_json, the same rows as the tables.

#include "report/document.h"
#include "report/plan_report.h"
#include "search/break_even.h"

namespace planner::report {

// Sections: plans (primary), explanations (runner-up and margin), sites (the
// chosen chip type at every site), alternatives (the best site of every
// other chip type), infeasible (binds and ways out), candidates (detail:
// every priced option) and assumptions.
Document plan_document(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h,
                       const std::vector<search::BreakEven>& break_even = {});

// Sections: rows (primary: one per chip type at the site), break_even and assumptions.
Document compare_document(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h,
                          const std::vector<search::BreakEven>& break_even = {});

// search::break_evens as a section: one row per input at which the runner-up and the choice swap.
Section break_even_section(const std::vector<search::BreakEven>& points);

// The request's assumptions, one row each (name, value, unit, meaning).
Section assumptions_section(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h);

}  // namespace planner::report
