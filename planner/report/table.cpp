#include "report/table.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace planner::report {

namespace {
// Display width in terminal columns: counts UTF-8 code points, not bytes.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
}  // namespace

void Table::add_column(std::string header, Align align) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::render() const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = display_width(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::size_t pad = widths[c] - display_width(cells[c]);
      if (c > 0) line += "  ";
      if (aligns_[c] == Align::right) line += std::string(pad, ' ') + cells[c];
      else line += cells[c] + (c + 1 < cells.size() ? std::string(pad, ' ') : "");
    }
    while (line.ends_with(' ')) line.pop_back();
    out += line + "\n";
  };
  emit(headers_);
  for (const auto& row : rows_) emit(row);
  return out;
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  return fmt::format("{:.{}f}", value, decimals);
}

std::string grouped(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  std::string text = fixed(std::fabs(value), decimals);
  const auto point = text.find('.');
  std::string whole = text.substr(0, point);
  const std::string rest = point == std::string::npos ? "" : text.substr(point);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<std::size_t>(i), ",");
  const bool negative = value < 0 && std::stod(text) != 0.0;
  return (negative ? "-" : "") + whole + rest;
}

}  // namespace planner::report
