#pragma once
// The command groups; commands() in app.cpp concatenates them.

#include <vector>

#include "cli/app.h"

namespace planner::cli {

std::vector<Command> specs_commands();     // specs list|show, sites list|show
std::vector<Command> validate_commands();  // validate
std::vector<Command> estimate_commands();  // estimate
std::vector<Command> plan_commands();      // plan, compare
std::vector<Command> policy_commands();    // policies list|show
std::vector<Command> sweep_commands();     // sweep

// Prints JSON for scripts: two-space indent, keys sorted, a final newline.
void print_json(std::ostream& out, const util::Json& doc);

}  // namespace planner::cli
