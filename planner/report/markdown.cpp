#include <string>

#include "report/formats.h"

namespace planner::report {

namespace {

// A cell's text inside a pipe table: pipes escaped, line breaks as spaces.
std::string md_cell(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else out += ch;
  }
  return out;
}

std::string md_table(const Section& s) {
  std::string out = "|";
  for (const auto& c : s.columns) out += " " + md_cell(c.label) + " |";
  out += "\n|";
  for (const auto& c : s.columns) out += c.numeric ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : s.rows) {
    out += "|";
    for (std::size_t i = 0; i < s.columns.size(); ++i) out += " " + md_cell(display(s.columns[i], row[i])) + " |";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string markdown(const Document& doc) {
  std::string out = "# " + md_cell(doc.title) + "\n";
  if (!doc.lines.empty()) {
    out += "\n";
    for (const auto& line : doc.lines) out += line + "\n";
  }
  for (const auto& s : doc.sections) {
    if (s.detail) continue;
    out += "\n## " + md_cell(s.title) + "\n\n";
    if (!s.rows.empty()) out += md_table(s);
    if (!s.rows.empty() && !s.notes.empty()) out += "\n";
    for (const auto& n : s.notes) out += "- " + md_cell(n) + "\n";
    if (s.rows.empty() && s.notes.empty()) out += "(none)\n";
  }
  return out;
}

}  // namespace planner::report
