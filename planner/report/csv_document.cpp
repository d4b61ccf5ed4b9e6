#include "report/csv.h"
#include "report/formats.h"

namespace planner::report {

std::string csv(const Document& doc) {
  const Section* s = doc.find(doc.primary);
  if (!s && !doc.sections.empty()) s = &doc.sections.front();
  if (!s) return "";
  std::vector<std::string> fields;
  for (const auto& c : s->columns) fields.push_back(c.key);
  std::string out = csv_line(fields);
  for (const auto& row : s->rows) {
    fields.clear();
    for (const auto& cell : row) fields.push_back(raw(cell));
    out += csv_line(fields);
  }
  return out;
}

}  // namespace planner::report
