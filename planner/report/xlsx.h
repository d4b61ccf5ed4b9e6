#pragma once
// The xlsx writer of a Document (libxlsxwriter): one sheet per section,
// detail listings included, named by the section's id; the first row holds
// the column keys, whose names carry the units ("capex_usd"), and numbers
// are written as numbers, unscaled (as in JSON and CSV), formatted with the
// digits people see. The document's title and lines go on a first sheet,
// "about"; a section's notes go under its table.

#include <string>

#include "report/document.h"

namespace planner::report {

// Writes `doc` to `path`; returns "" on success, else what went wrong.
std::string write_xlsx(const Document& doc, const std::string& path);

}  // namespace planner::report
