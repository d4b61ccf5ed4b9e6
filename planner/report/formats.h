#pragma once
// The text writers of a Document: markdown for documents and wikis, CSV for
// spreadsheets and scripts. (The xlsx writer is in xlsx.h, html in html.h.)

#include <string>

#include "report/document.h"

namespace planner::report {

// A `#` title, the document's lines, then each section that is not a detail
// listing as a `##` heading, a pipe table (numbers right-aligned, as people
// see them) and its notes as a bullet list.
std::string markdown(const Document& doc);

// The primary section as RFC 4180 CSV: a header of column keys, then one line
// per row with numbers unscaled at full precision (the JSON's numbers).
std::string csv(const Document& doc);

}  // namespace planner::report
