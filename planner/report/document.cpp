#include "report/document.h"

#include <cmath>

#include <fmt/format.h>

#include "report/table.h"

namespace planner::report {

Cell text_cell(std::string text) { return {std::move(text), std::nullopt}; }
Cell number_cell(double value) { return {"", value}; }
Cell number_cell_if(bool present, double value) { return present ? number_cell(value) : Cell{}; }

Section& Section::text(std::string column_key, std::string column_label) {
  columns.push_back({std::move(column_key), std::move(column_label), false, 1, 0});
  return *this;
}

Section& Section::number(std::string column_key, std::string column_label, int decimals, double scale) {
  columns.push_back({std::move(column_key), std::move(column_label), true, scale, decimals});
  return *this;
}

void Section::add_row(std::vector<Cell> cells) {
  cells.resize(columns.size());
  rows.push_back(std::move(cells));
}

int Section::column(const std::string& key) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].key == key) return static_cast<int>(i);
  return -1;
}

Section& Document::add(std::string section_id, std::string section_title) {
  sections.push_back({});
  sections.back().id = std::move(section_id);
  sections.back().title = std::move(section_title);
  return sections.back();
}

const Section* Document::find(const std::string& id) const {
  for (const auto& s : sections)
    if (s.id == id) return &s;
  return nullptr;
}

std::string display(const Column& column, const Cell& cell) {
  if (!cell.number) return cell.text;
  if (column.decimals < 0) return raw(cell);
  return grouped(*cell.number * column.scale, column.decimals);
}

std::string raw(const Cell& cell) {
  if (!cell.number) return cell.text;
  if (!std::isfinite(*cell.number)) return "";
  return fmt::format("{}", *cell.number);
}

}  // namespace planner::report
