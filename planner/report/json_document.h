#pragma once
// Any command's JSON output as a Document, so csv, markdown and xlsx show
// exactly the JSON's numbers: the top-level scalars and objects become one
// "fields" section (path, value, source), and each top-level array of
// objects becomes a section of its own, one row per element, one column per
// flattened path ("compute.bf16_tflops"). A sourced value ({"value": ...,
// "source" or "estimate": ...}) is a number whose source fills the fields
// section's source column; in array sections it keeps only its value.

#include <string>

#include "report/document.h"
#include "util/json_reader.h"

namespace planner::report {

// `primary`: the section csv writes; "" for the first array's (the fields
// section when there is no array).
Document json_document(const util::Json& doc, const std::string& title, const std::string& primary);

}  // namespace planner::report
