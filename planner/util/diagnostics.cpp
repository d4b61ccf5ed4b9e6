#include "util/diagnostics.h"

#include <fmt/format.h>

#include "util/printable.h"

namespace planner::util {

std::string Diagnostic::str() const {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (!json_path.empty()) out += json_path + ": ";
  out += message;
  return out;
}

namespace {
// Longest file name, JSON path and message printed whole; longer ones keep
// their start and end (util::printable).
constexpr std::size_t kMaxFileBytes = 1024;
constexpr std::size_t kMaxPathBytes = 400;
constexpr std::size_t kMaxMessageBytes = 600;
}  // namespace

std::string Diagnostics::file_name(const std::string& file) { return printable(file, kMaxFileBytes); }

std::size_t Diagnostics::count(const std::string& file_name) const {
  const auto it = per_file_.find(file_name);
  return it == per_file_.end() ? 0 : it->second.kept + it->second.dropped;
}

void Diagnostics::error(std::string file, std::string json_path, std::string message) {
  Diagnostic d{file_name(file), printable(json_path, kMaxPathBytes), printable(message, kMaxMessageBytes)};
  ++total_;
  auto& count = per_file_[d.file];
  if (count.kept < kMaxPerFile) {
    ++count.kept;
    items_.push_back(std::move(d));
    return;
  }
  if (++count.dropped == 1) {
    count.summary = items_.size();
    items_.push_back({d.file, "", ""});
  }
  items_[count.summary].message =
      fmt::format("... and {} more problem{} not shown (the first {} are listed)", count.dropped,
                  count.dropped == 1 ? "" : "s", kMaxPerFile);
}

std::string Diagnostics::str() const {
  std::string out;
  for (const auto& d : items_) out += d.str() + "\n";
  return out;
}

InputError::InputError(Diagnostics diagnostics)
    : diagnostics_(std::move(diagnostics)), text_(diagnostics_.str()) {}

}  // namespace planner::util
