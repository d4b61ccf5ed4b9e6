#include "cli/commands.h"

#include <ostream>

namespace planner::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> out;
    for (auto group : {specs_commands(), validate_commands(), estimate_commands(), plan_commands(), sweep_commands(), policy_commands()})
      for (auto& cmd : group) out.push_back(std::move(cmd));
    return out;
  }();
  return all;
}

void print_json(std::ostream& out, const util::Json& doc) { out << doc.dump(2) << "\n"; }

}  // namespace planner::cli
