#pragma once
// Charts as inline SVG for the HTML report: horizontal bars (stacked, with
// negative parts drawn left of zero), a tornado and a line chart. Pure
// string builders: fixed sizes in px, every label escaped, no script, no
// external reference; readable when printed in grey.

#include <string>
#include <vector>

namespace planner::report {

// Text safe inside HTML or SVG: & < > " escaped.
std::string escape_html(const std::string& text);

struct StackedBar {
  std::string label;
  std::vector<double> parts;  // one per part name, in the chart's unit; negative parts go left of zero
  bool highlight = false;     // the chosen option: its label in bold
};
// `unit` labels the axis ("M$"); totals (the sum of the parts) are printed at the bar's end.
std::string stacked_bars_svg(const std::vector<std::string>& part_names, const std::vector<StackedBar>& bars,
                             const std::string& unit);

struct TornadoRow {
  std::string label;       // "price of h200-sxm (19,500 to 26,000 USD)"
  double low = 0, high = 0;  // the outcome with the input at its low and its high end
};
// Bars from `base` to each end; the widest first, as given.
std::string tornado_svg(const std::vector<TornadoRow>& rows, double base, const std::string& unit);

struct Point {
  double x = 0, y = 0;
  std::string label;  // printed next to the point ("hgx-h200-8")
};
std::string line_svg(const std::vector<Point>& points, const std::string& x_label, const std::string& y_label);

}  // namespace planner::report
