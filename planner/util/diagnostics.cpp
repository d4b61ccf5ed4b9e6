#include "util/diagnostics.h"

namespace planner::util {

std::string Diagnostic::str() const {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (!json_path.empty()) out += json_path + ": ";
  out += message;
  return out;
}

void Diagnostics::error(std::string file, std::string json_path, std::string message) {
  items_.push_back({std::move(file), std::move(json_path), std::move(message)});
}

std::string Diagnostics::str() const {
  std::string out;
  for (const auto& d : items_) out += d.str() + "\n";
  return out;
}

InputError::InputError(Diagnostics diagnostics)
    : diagnostics_(std::move(diagnostics)), text_(diagnostics_.str()) {}

}  // namespace planner::util
