#include "report/html_page.h"

#include "report/svg.h"

namespace planner::report {

namespace {

constexpr const char* kStyle = R"(
body { font-family: sans-serif; font-size: 14px; color: #111; max-width: 1100px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 8px 0; font-size: 12px; }
th, td { border: 1px solid #bbb; padding: 2px 6px; vertical-align: top; }
th { background: #eee; text-align: left; } td.n { text-align: right; white-space: nowrap; }
p.lead { font-size: 15px; } ul.notes { margin: 4px 0 12px 0; } svg { display: block; margin: 8px 0; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
)";

// Escaped text that may wrap after a comma or a slash (layouts, rule ids).
std::string breakable(const std::string& text) {
  std::string out;
  for (const char c : escape_html(text)) {
    out += c;
    if (c == ',' || c == '/') out += "<wbr/>";
  }
  return out;
}

}  // namespace

std::string html_open(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" + escape_html(title) +
         "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" + escape_html(title) + "</h1>\n";
}

std::string html_close() { return "</body>\n</html>\n"; }

std::string html_heading(const std::string& id, const std::string& text) {
  return "<h2 id=\"" + escape_html(id) + "\">" + escape_html(text) + "</h2>\n";
}

std::string html_paragraph(const std::string& text) { return "<p>" + escape_html(text) + "</p>\n"; }

std::string html_section(const Section& s, bool heading) {
  std::string out = heading ? html_heading(s.id, s.title) : "";
  if (!s.rows.empty()) {
    out += "<table>\n<tr>";
    for (const auto& c : s.columns) out += "<th>" + escape_html(c.label) + "</th>";
    out += "</tr>\n";
    for (const auto& row : s.rows) {
      out += "<tr>";
      for (std::size_t i = 0; i < s.columns.size(); ++i)
        out += s.columns[i].numeric ? "<td class=\"n\">" + escape_html(display(s.columns[i], row[i])) + "</td>"
                                    : "<td>" + breakable(display(s.columns[i], row[i])) + "</td>";
      out += "</tr>\n";
    }
    out += "</table>\n";
  }
  if (!s.notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const auto& n : s.notes) out += "<li>" + escape_html(n) + "</li>\n";
    out += "</ul>\n";
  }
  if (s.rows.empty() && s.notes.empty()) out += "<p>(none)</p>\n";
  return out;
}

}  // namespace planner::report
