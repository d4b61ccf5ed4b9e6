#include "report/sweep_document.h"

namespace planner::report {

Document sweep_document(const std::vector<search::SweepAxis>& axes, const std::vector<search::SweepOutcome>& rows) {
  Document doc;
  doc.title = "clusterplan sweep";
  doc.primary = "points";
  auto& s = doc.add("points", "One row per point and workload");
  s.number("point", "point");
  for (const auto& a : axes) {
    std::string unit;
    for (const auto& k : search::sweep_keys())
      if (k.key == a.key) unit = std::string(k.unit);
    s.number(a.name, a.name + " (" + unit + ")", -1);
    doc.lines.push_back(a.name + ": " + unit);
  }
  s.text("feasible", "feasible").text("workload", "workload").text("chip", "chip").text("system", "system");
  s.text("site", "site").number("count", "chips").text("layout", "layout").number("days", "days", 1);
  s.number("output_tokens_per_s", "output tokens/s").number("capex_usd", "capex M$", 1, 1e-6);
  s.number("tco_usd", "TCO M$", 1, 1e-6).number("job_cost_usd", "job M$", 1, 1e-6);
  s.number("usd_per_chip_hour", "USD/chip-h", 2).number("energy_usd_per_year", "energy M$/yr", 1, 1e-6);
  s.number("power_mw", "MW", 1).number("usd_per_run", "M$ per run", 1, 1e-6);
  s.number("usd_per_million_tokens", "$/M tokens", 3).text("problem", "problem");
  for (const auto& r : rows) {
    std::vector<Cell> lead = {number_cell(static_cast<double>(r.index))};
    for (const double v : r.values) lead.push_back(number_cell(v));
    lead.push_back(text_cell(r.feasible ? "true" : "false"));
    if (r.choices.empty()) {
      auto cells = lead;
      cells.resize(s.columns.size() - 1);
      cells.push_back(text_cell(r.problem));
      s.add_row(std::move(cells));
    }
    for (const auto& c : r.choices) {
      const bool training = c.days > 0;
      auto cells = lead;
      for (auto cell : {text_cell(c.workload), text_cell(c.chip), text_cell(c.system), text_cell(c.site),
                        number_cell(static_cast<double>(c.count)), text_cell(c.layout), number_cell_if(training, c.days),
                        number_cell_if(!training, c.output_tokens_per_s), number_cell(c.capex_usd), number_cell(c.tco_usd),
                        number_cell(c.job_cost_usd), number_cell(c.usd_per_chip_hour), number_cell(c.energy_usd_per_year), number_cell(c.power_mw), number_cell_if(training, c.usd_per_run),
                        number_cell_if(!training, c.usd_per_million_tokens)})
        cells.push_back(std::move(cell));
      s.add_row(std::move(cells));
    }
  }
  return doc;
}

}  // namespace planner::report
