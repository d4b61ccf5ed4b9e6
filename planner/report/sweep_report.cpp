#include "report/sweep_report.h"

#include <cmath>

#include <fmt/format.h>

#include "report/csv.h"
#include "report/schema.h"
#include "report/table.h"
#include "util/json_reader.h"

namespace planner::report {

namespace {

// The header of an axis column: its key and unit, "electricity (USD/kWh)".
std::string axis_header(const search::SweepAxis& a) {
  for (const auto& k : search::sweep_keys())
    if (k.key == a.key) return fmt::format("{} ({})", a.name, k.unit);
  return a.name;
}

// Numbers in CSV: as many digits as needed, no grouping.
std::string number(double v) { return util::format_number(v); }

const std::vector<std::string> kChoiceColumns = {
    "workload", "chip", "system", "site", "count", "layout", "days", "output_tokens_per_s", "capex_usd", "tco_usd",
    "job_cost_usd", "usd_per_chip_hour", "energy_usd_per_year", "power_mw", "usd_per_run", "usd_per_million_tokens"};

// Cells of one choice; serving rows leave days and usd_per_run empty, training rows the token columns.
std::vector<std::string> choice_cells(const search::SweepChoice& c) {
  const bool training = c.days > 0;
  return {c.workload,
          c.chip,
          c.system,
          c.site,
          fmt::format("{}", c.count),
          c.layout,
          training ? fmt::format("{:.2f}", c.days) : "",
          training ? "" : fmt::format("{:.0f}", c.output_tokens_per_s),
          fmt::format("{:.0f}", c.capex_usd),
          fmt::format("{:.0f}", c.tco_usd),
          fmt::format("{:.0f}", c.job_cost_usd),
          fmt::format("{:.4f}", c.usd_per_chip_hour),
          fmt::format("{:.0f}", c.energy_usd_per_year),
          fmt::format("{:.3f}", c.power_mw),
          training ? fmt::format("{:.0f}", c.usd_per_run) : "",
          training ? "" : fmt::format("{:.4f}", c.usd_per_million_tokens)};
}

util::Json choice_json(const search::SweepChoice& c) {
  const bool training = c.days > 0;
  util::Json j = {{"workload", c.workload}, {"chip", c.chip},           {"system", c.system},
                  {"site", c.site},         {"count", c.count},         {"layout", c.layout},
                  {"capex_usd", c.capex_usd}, {"tco_usd", c.tco_usd}, {"job_cost_usd", c.job_cost_usd},
                  {"usd_per_chip_hour", c.usd_per_chip_hour}, {"energy_usd_per_year", c.energy_usd_per_year},
                  {"power_mw", c.power_mw}};
  if (training) {
    j["days"] = c.days;
    j["usd_per_run"] = c.usd_per_run;
  } else {
    j["output_tokens_per_s"] = c.output_tokens_per_s;
    j["usd_per_million_tokens"] = c.usd_per_million_tokens;
  }
  return j;
}

}  // namespace

std::string sweep_csv(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows,
                      bool header) {
  std::string out;
  if (header) {
    std::vector<std::string> h = {"point"};
    for (const auto& a : axes) h.push_back(a.name);
    h.push_back("feasible");
    h.insert(h.end(), kChoiceColumns.begin(), kChoiceColumns.end());
    h.push_back("problem");
    out += csv_line(h);
  }
  for (const auto& r : rows) {
    std::vector<std::string> lead = {fmt::format("{}", r.index)};
    for (const double v : r.values) lead.push_back(number(v));
    lead.push_back(r.feasible ? "true" : "false");
    if (r.choices.empty()) {
      auto cells = lead;
      cells.resize(cells.size() + kChoiceColumns.size());
      cells.push_back(r.problem);
      out += csv_line(cells);
    }
    for (const auto& c : r.choices) {
      auto cells = lead;
      const auto more = choice_cells(c);
      cells.insert(cells.end(), more.begin(), more.end());
      cells.push_back("");
      out += csv_line(cells);
    }
  }
  return out;
}

std::string sweep_json_lines(const std::vector<search::SweepAxis>& axes,
                             const std::vector<search::SweepOutcome>& rows) {
  std::string out;
  for (const auto& r : rows) {
    util::Json values = util::Json::object();
    for (std::size_t i = 0; i < axes.size(); ++i) values[axes[i].name] = r.values[i];
    util::Json plans = util::Json::array();
    for (const auto& c : r.choices) plans.push_back(choice_json(c));
    util::Json line = {{"schema_version", kSchemaVersion}, {"point", r.index}, {"values", values},
                       {"feasible", r.feasible},           {"plans", plans}};
    if (r.feasible)
      line["totals"] = {{"capex_usd", r.total_capex_usd},
                        {"tco_usd", r.total_tco_usd},
                        {"job_cost_usd", r.total_job_cost_usd},
                        {"power_mw", r.total_power_mw}};
    else
      line["problem"] = r.problem;
    out += line.dump() + "\n";
  }
  return out;
}

std::string sweep_table(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows) {
  Table t;
  t.add_column("POINT");
  for (const auto& a : axes) t.add_column(axis_header(a));
  for (const char* h : {"WORKLOAD", "CHIP", "SITE"}) t.add_column(h, Align::left);
  for (const char* h : {"COUNT", "DAYS", "TOKENS/S", "CAPEX M$", "TCO M$", "JOB M$", "MW"}) t.add_column(h);
  for (const auto& r : rows) {
    std::vector<std::string> lead = {fmt::format("{}", r.index)};
    for (const double v : r.values) lead.push_back(fmt::format("{:.4g}", v));
    if (r.choices.empty()) {
      auto cells = lead;
      cells.push_back("");
      cells.push_back("no plan: " + r.problem);
      cells.resize(lead.size() + 10);
      t.add_row(cells);
    }
    for (const auto& c : r.choices) {
      auto cells = lead;
      const bool training = c.days > 0;
      for (std::string s : {c.workload, c.system.empty() ? c.chip : c.system, c.site}) cells.push_back(s);
      cells.push_back(grouped(static_cast<double>(c.count)));
      cells.push_back(training ? fixed(c.days, 1) : "");
      cells.push_back(training ? "" : grouped(c.output_tokens_per_s));
      cells.push_back(fixed(c.capex_usd / 1e6, 1));
      cells.push_back(fixed(c.tco_usd / 1e6, 1));
      cells.push_back(fixed(c.job_cost_usd / 1e6, 1));
      cells.push_back(fixed(c.power_mw, 1));
      t.add_row(cells);
    }
  }
  return t.render();
}

namespace {

std::string range_text(const search::TornadoInput& in) {
  if (in.unit == "USD") return fmt::format("{}..{} USD", grouped(in.low), grouped(in.high));
  return fmt::format("{:.4g}..{:.4g} {}", in.low, in.high, in.unit);
}

std::string tco_text(bool feasible, double usd) { return feasible ? fixed(usd / 1e6, 1) : "no plan"; }

}  // namespace

std::string tornado_table(const std::vector<search::TornadoBar>& bars, double base_tco_usd) {
  Table t;
  for (const char* h : {"INPUT", "RANGE", "BASIS"}) t.add_column(h, Align::left);
  for (const char* h : {"TCO LOW M$", "TCO HIGH M$", "SWING M$"}) t.add_column(h);
  t.add_column("BUYS AT LOW / HIGH", Align::left);
  for (const auto& b : bars) {
    const double swing = b.swing_usd();
    t.add_row({b.input.label, range_text(b.input), b.input.basis, tco_text(b.feasible_low, b.tco_low_usd),
               tco_text(b.feasible_high, b.tco_high_usd), std::isfinite(swing) ? fixed(swing / 1e6, 1) : "-",
               b.chosen_low == b.chosen_high ? b.chosen_low : b.chosen_low + " / " + b.chosen_high});
  }
  return fmt::format("Sensitivity of the plan's TCO ({} M$), each input moved alone over its range; widest first\n\n",
                     fixed(base_tco_usd / 1e6, 1)) +
         t.render();
}

util::Json tornado_json(const std::vector<search::TornadoBar>& bars, double base_tco_usd) {
  util::Json rows = util::Json::array();
  for (const auto& b : bars) {
    util::Json row = {{"input", b.input.axis.name}, {"label", b.input.label}, {"unit", b.input.unit},
                      {"current", b.input.current}, {"low", b.input.low},     {"high", b.input.high},
                      {"basis", b.input.basis},     {"chosen_low", b.chosen_low}, {"chosen_high", b.chosen_high}};
    row["tco_low_usd"] = b.feasible_low ? util::Json(b.tco_low_usd) : util::Json(nullptr);
    row["tco_high_usd"] = b.feasible_high ? util::Json(b.tco_high_usd) : util::Json(nullptr);
    const double swing = b.swing_usd();
    row["swing_usd"] = std::isfinite(swing) ? util::Json(swing) : util::Json(nullptr);
    rows.push_back(std::move(row));
  }
  return {{"schema_version", kSchemaVersion}, {"base_tco_usd", base_tco_usd}, {"tornado", rows}};
}

std::string tornado_csv(const std::vector<search::TornadoBar>& bars, double base_tco_usd) {
  std::string out = csv_line({"input", "unit", "current", "low", "high", "basis", "tco_low_usd", "tco_high_usd",
                              "swing_usd", "chosen_low", "chosen_high", "base_tco_usd"});
  for (const auto& b : bars) {
    const double swing = b.swing_usd();
    out += csv_line({b.input.axis.name, b.input.unit, number(b.input.current), number(b.input.low),
                     number(b.input.high), b.input.basis, b.feasible_low ? fmt::format("{:.0f}", b.tco_low_usd) : "",
                     b.feasible_high ? fmt::format("{:.0f}", b.tco_high_usd) : "",
                     std::isfinite(swing) ? fmt::format("{:.0f}", swing) : "", b.chosen_low, b.chosen_high,
                     fmt::format("{:.0f}", base_tco_usd)});
  }
  return out;
}

}  // namespace planner::report
