#pragma once
// The command groups; commands() in app.cpp concatenates them.

#include <vector>

#include "cli/app.h"
#include "report/document.h"

namespace planner::cli {

std::vector<Command> specs_commands();     // specs list|show, sites list|show
std::vector<Command> validate_commands();  // validate
std::vector<Command> estimate_commands();  // estimate
std::vector<Command> plan_commands();      // plan, compare
std::vector<Command> policy_commands();    // policies list|show
std::vector<Command> sweep_commands();     // sweep
std::vector<Command> report_commands();    // report

// Prints a Document in the context's format (csv, markdown) or writes it to
// -o FILE (xlsx, or any of them with -o); returns the exit code.
int print_document(Context& ctx, const report::Document& doc);

// Prints a command's JSON output in the context's format: as JSON, or through
// report::json_document as csv, markdown or xlsx. `primary`: the section csv
// writes ("" for the first array's).
int print_data(Context& ctx, const util::Json& doc, const std::string& primary = "");

// Prints JSON for scripts: two-space indent, keys sorted, a final newline.
void print_json(std::ostream& out, const util::Json& doc);

}  // namespace planner::cli
