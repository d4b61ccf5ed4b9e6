#include "report/svg.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/table.h"

namespace planner::report {

namespace {

constexpr double kWidth = 760;    // px
constexpr double kLabelW = 230;   // left column for bar labels
constexpr double kRowH = 26;      // one bar
constexpr double kPlotW = kWidth - kLabelW - 90;
// Fills that stay distinct in print (light to dark) and for colour-blind readers.
const std::vector<std::string> kFills = {"#1b4f72", "#5dade2", "#f5b041", "#a04000", "#7d3c98", "#48c9b0", "#c0392b"};

std::string text(double x, double y, const std::string& s, const char* anchor = "start", bool bold = false) {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\"{}>{}</text>\n", x, y, anchor,
                     bold ? " font-weight=\"bold\"" : "", escape_html(s));
}

std::string rect(double x, double y, double w, double h, const std::string& fill) {
  return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n", x, y,
                     std::max(w, 0.0), h, fill);
}

std::string open_svg(double height, const std::string& title) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" "
                     "font-family=\"sans-serif\" font-size=\"12\" role=\"img\"><title>{}</title>\n",
                     kWidth, height, kWidth, height, escape_html(title));
}

// A short number for axis ticks and bar ends: 1,234 / 12.3 / 0.123.
std::string short_number(double v) {
  const double a = std::fabs(v);
  return grouped(v, a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
}

// Maps [lo, hi] onto the plot's x range.
struct Scale {
  double lo, hi;
  double x(double v) const { return kLabelW + (hi > lo ? (v - lo) / (hi - lo) : 0) * kPlotW; }
};

std::string axis(const Scale& s, double y, const std::string& unit) {
  std::string out = fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n",
                                kLabelW, y, kLabelW + kPlotW, y);
  for (int i = 0; i <= 4; ++i) {
    const double v = s.lo + (s.hi - s.lo) * i / 4;
    out += text(s.x(v), y + 14, short_number(v), "middle");
  }
  return out + text(kLabelW + kPlotW + 24, y + 14, unit);
}

}  // namespace

std::string escape_html(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string stacked_bars_svg(const std::vector<std::string>& names, const std::vector<StackedBar>& bars,
                             const std::string& unit) {
  double lo = 0, hi = 0;
  for (const auto& b : bars) {
    double neg = 0, pos = 0;
    for (const double p : b.parts) (p < 0 ? neg : pos) += p;
    lo = std::min(lo, neg);
    hi = std::max(hi, pos);
  }
  const Scale s{lo, hi > lo ? hi : lo + 1};
  const double legend_y = 16, top = 34;
  const double height = top + kRowH * static_cast<double>(bars.size()) + 30;
  std::string out = open_svg(height, "cost per option, stacked by part, " + unit);
  double lx = kLabelW;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += rect(lx, legend_y - 10, 12, 12, kFills[i % kFills.size()]) + text(lx + 16, legend_y, names[i]);
    lx += 28 + 7.0 * static_cast<double>(names[i].size());
  }
  for (std::size_t r = 0; r < bars.size(); ++r) {
    const auto& b = bars[r];
    const double y = top + kRowH * static_cast<double>(r);
    out += text(kLabelW - 6, y + 15, b.label, "end", b.highlight);
    double pos = 0, neg = 0, total = 0;
    for (std::size_t i = 0; i < b.parts.size(); ++i) {
      const double p = b.parts[i];
      total += p;
      const std::string& fill = kFills[i % kFills.size()];
      if (p >= 0) out += rect(s.x(pos), y + 3, s.x(pos + p) - s.x(pos), kRowH - 8, fill), pos += p;
      else out += rect(s.x(neg + p), y + 3, s.x(neg) - s.x(neg + p), kRowH - 8, fill), neg += p;
    }
    out += text(s.x(pos) + 4, y + 15, short_number(total));
  }
  out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n", s.x(0), top,
                     height - 30);
  return out + axis(s, height - 28, unit) + "</svg>\n";
}

std::string tornado_svg(const std::vector<TornadoRow>& rows, double base, const std::string& unit) {
  double lo = base, hi = base;
  for (const auto& r : rows) lo = std::min({lo, r.low, r.high}), hi = std::max({hi, r.low, r.high});
  const double pad = (hi - lo) * 0.05 + 1e-9;
  const Scale s{lo - pad, hi + pad};
  const double top = 10;
  const double height = top + kRowH * static_cast<double>(rows.size()) + 30;
  std::string out = open_svg(height, "tornado: the plan's cost with each input at the ends of its range, " + unit);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double y = top + kRowH * static_cast<double>(i);
    out += text(kLabelW - 6, y + 15, r.label, "end");
    out += rect(s.x(std::min(base, r.low)), y + 3, std::fabs(s.x(r.low) - s.x(base)), kRowH - 8, kFills[1]);
    out += rect(s.x(std::min(base, r.high)), y + 3, std::fabs(s.x(r.high) - s.x(base)), kRowH - 8, kFills[0]);
  }
  out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n", s.x(base),
                     top, height - 30);
  return out + axis(s, height - 28, unit) + "</svg>\n";
}

std::string line_svg(const std::vector<Point>& points, const std::string& x_label, const std::string& y_label) {
  constexpr double kH = 300, kLeft = 80, kTop = 20, kPlotH = 220, kRight = kWidth - 160;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (!points.empty()) {
    const auto [xa, xb] = std::minmax_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.x < b.x; });
    const auto yb = std::max_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.y < b.y; });
    x0 = xa->x, x1 = xb->x > xa->x ? xb->x : xa->x + 1, y1 = yb->y > 0 ? yb->y * 1.1 : 1;
  }
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * (kRight - kLeft); };
  auto py = [&](double y) { return kTop + kPlotH - (y - y0) / (y1 - y0) * kPlotH; };
  std::string out = open_svg(kH, y_label + " against " + x_label);
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>\n", kLeft, kTop, kTop + kPlotH);
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>\n", kLeft, kTop + kPlotH, kRight);
  for (int i = 0; i <= 4; ++i) {
    out += text(kLeft - 6, py(y1 * i / 4) + 4, short_number(y1 * i / 4), "end");
    out += text(px(x0 + (x1 - x0) * i / 4), kTop + kPlotH + 16, short_number(x0 + (x1 - x0) * i / 4), "middle");
  }
  out += text((kLeft + kRight) / 2, kH - 20, x_label, "middle") + text(8, kTop - 6, y_label);
  std::string path;
  for (const auto& p : points) path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "" : " ", px(p.x), py(p.y));
  out += "<polyline fill=\"none\" stroke=\"" + kFills[0] + "\" stroke-width=\"2\" points=\"" + path + "\"/>\n";
  for (const auto& p : points) {
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/>\n", px(p.x), py(p.y), kFills[2]);
    if (!p.label.empty()) out += text(px(p.x) + 6, py(p.y) - 6, p.label);
  }
  return out + "</svg>\n";
}

}  // namespace planner::report
