#pragma once
// A report as data: titled sections, each a table of typed cells with notes,
// built once from a command's result structs and rendered by every writer
// (csv, markdown, xlsx, html), so that every format shows the same numbers.

#include <optional>
#include <string>
#include <vector>

namespace planner::report {

// A column. People see a number as value x scale with `decimals` digits
// (thousands grouped) under `label`; scripts (csv, xlsx) get the unscaled
// value under `key`, whose name carries the unit ("capex_usd").
struct Column {
  std::string key;
  std::string label;
  bool numeric = false;
  double scale = 1;
  int decimals = 0;  // -1: as scripts see it, unscaled at full precision
};

// A cell: text, or a number in the column's key unit; neither is a blank.
struct Cell {
  std::string text;
  std::optional<double> number;
};
Cell text_cell(std::string text);
Cell number_cell(double value);
// A number cell when `present`, else a blank.
Cell number_cell_if(bool present, double value);

struct Section {
  std::string id;     // sheet name, csv and html anchor: "plans" (at most 31 characters)
  std::string title;  // "Chosen plans"
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::vector<std::string> notes;  // sentences under the table
  // A long listing (every priced option): in xlsx and json only, not in
  // markdown or html.
  bool detail = false;

  Section& text(std::string key, std::string label);
  Section& number(std::string key, std::string label, int decimals = 0, double scale = 1);
  // Pads or cuts `cells` to the column count.
  void add_row(std::vector<Cell> cells);
  // The index of the column keyed `key`, or -1.
  int column(const std::string& key) const;
};

struct Document {
  std::string title;               // "clusterplan plan"
  std::vector<std::string> lines;  // sentences above the sections
  std::vector<Section> sections;
  std::string primary;  // id of the section csv writes (one table per csv)

  Section& add(std::string id, std::string title);
  const Section* find(const std::string& id) const;
};

// What people see in a cell: "1,234.5", "n/a" for a non-finite number, "" for a blank.
std::string display(const Column& column, const Cell& cell);
// What scripts see: the shortest text that reads back as the same double.
std::string raw(const Cell& cell);

}  // namespace planner::report
