#include "report/plan_document.h"

#include <algorithm>

#include <fmt/format.h>

#include "report/candidate_text.h"
#include "report/explain_report.h"
#include "report/table.h"
#include "search/alternatives.h"

namespace planner::report {

using search::Candidate;

namespace {

Document start_document(const std::string& title, const std::string& primary, const search::PlanRequest& r,
                        const search::PlanResult& plan, const PlanHeader& h) {
  Document doc;
  doc.title = title;
  doc.primary = primary;
  doc.lines.push_back(plan_header_line(r, plan, h));
  doc.lines.back().pop_back();  // the newline
  return doc;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

// The money, power and time columns every option table shares.
void add_cost_columns(Section& s) {
  s.number("count", "chips").number("power_mw", "MW", 1).number("capex_usd", "capex M$", 1, 1e-6);
  s.number("energy_usd_per_year", "energy M$/yr", 1, 1e-6).number("tco_usd", "lifetime TCO M$", 1, 1e-6);
  s.number("job_cost_usd", "job cost M$", 1, 1e-6).number("usd_per_chip_hour", "USD/chip-hour", 2);
  s.number("days", "days", 1).number("output_tokens_per_s", "output tokens/s");
  s.number("usd_per_million_tokens", "$/M tokens", 3);
}

std::vector<Cell> cost_cells(const search::PlanRequest& r, const Candidate& c, long long count, const cost::Cost& k,
                             double days, double tokens_per_s, double usd_per_mtok) {
  const bool sized = count > 0;
  const bool training = is_training(r, c);
  return {number_cell_if(sized, static_cast<double>(count)), number_cell_if(sized, k.power_mw),
          number_cell_if(sized, k.capex_usd),                 number_cell_if(sized, k.energy_usd_per_year),
          number_cell_if(sized, k.tco_usd),                   number_cell_if(sized, k.job_cost_usd),
          number_cell_if(sized, k.usd_per_chip_hour),         number_cell_if(sized && training, days),
          number_cell_if(sized && !training, tokens_per_s),   number_cell_if(sized, usd_per_mtok)};
}

std::vector<Cell> option_cells(const search::PlanRequest& r, const Candidate& c) {
  return cost_cells(r, c, c.count, c.cost, c.days, c.output_tokens_per_s, c.usd_per_million_tokens);
}

std::string note_of(const Candidate& c) {
  return !c.usable ? c.why_not : !c.held_by.empty() ? "held out by " + c.held_by : "";
}

void add_plans(Document& doc, const search::PlanRequest& r, const search::PlanResult& plan) {
  auto& s = doc.add("plans", "Chosen plans");
  s.text("workload", "workload").text("chip", "chip").text("system", "system").text("site", "site");
  s.text("verdict", "verdict");
  add_cost_columns(s);
  s.text("layout", "layout").text("binding", "binding");
  for (const auto& ch : plan.chosen) {
    const auto& c = plan.candidates[ch.candidate];
    std::vector<Cell> row = {text_cell(workload_name(r, c)), text_cell(c.chip), text_cell(c.system), text_cell(c.site),
                             text_cell(std::string(policy::to_string(c.verdict)))};
    for (auto& cell : cost_cells(r, c, ch.count, ch.cost, ch.days, ch.output_tokens_per_s, ch.usd_per_million_tokens))
      row.push_back(std::move(cell));
    row.push_back(text_cell(c.layout));
    row.push_back(text_cell(joined(ch.binding)));
    s.add_row(std::move(row));
  }
  if (plan.feasible)
    s.notes.push_back(fmt::format("total: capex {} M$, lifetime TCO {} M$, job cost {} M$, {} MW",
                                  fixed(plan.total_capex_usd / 1e6, 1), fixed(plan.total_tco_usd / 1e6, 1),
                                  fixed(plan.total_job_cost_usd / 1e6, 1), fixed(plan.total_power_mw, 1)));
}

void add_explanations(Document& doc, const search::PlanRequest& r, const search::PlanResult& plan,
                      const std::vector<search::ChoiceExplanation>& why) {
  auto& s = doc.add("explanations", "Runner-up and margin");
  s.text("workload", "workload").text("chosen", "chosen").text("runner_up", "runner-up");
  s.number("tco_usd", "TCO M$", 1, 1e-6).number("runner_up_tco_usd", "runner-up TCO M$", 1, 1e-6);
  s.text("objective_unit", "objective unit").number("objective", "objective").number("margin", "margin");
  s.number("margin_percent", "margin %", 1).text("runner_up_held_by", "runner-up held out by");
  for (const auto& e : why) {
    const auto& pick = plan.candidates[e.chosen];
    const Candidate* ru = e.runner_up ? &plan.candidates[*e.runner_up] : nullptr;
    s.add_row({text_cell(workload_name(r, pick)), text_cell(option_label(pick)), text_cell(ru ? option_label(*ru) : "none"),
               number_cell(pick.cost.tco_usd), number_cell_if(ru, ru ? ru->cost.tco_usd : 0),
               text_cell(objective_unit(r, pick)), number_cell(pick.objective), number_cell_if(ru, e.margin),
               number_cell_if(ru, e.margin_fraction * 100), text_cell(ru ? ru->held_by : "")});
  }
}

void add_sites(Document& doc, const search::PlanRequest& r, const search::PlanResult& plan,
               const std::vector<search::ChoiceExplanation>& why) {
  auto& s = doc.add("sites", "The chosen chip at every site");
  s.text("workload", "workload").text("chip", "chip").text("site", "site");
  add_cost_columns(s);
  s.text("note", "note");
  for (const auto& e : why)
    for (const auto i : e.sites) {
      const auto& c = plan.candidates[i];
      const bool chosen = std::any_of(plan.chosen.begin(), plan.chosen.end(),
                                      [&](const search::Chosen& ch) { return ch.candidate == i; });
      std::vector<Cell> row = {text_cell(workload_name(r, c)), text_cell(chip_label(c)), text_cell(c.site)};
      for (auto& cell : option_cells(r, c)) row.push_back(std::move(cell));
      row.push_back(text_cell(chosen ? "chosen" : note_of(c)));
      s.add_row(std::move(row));
    }
}

void add_alternatives(Document& doc, const search::PlanRequest& r, const search::PlanResult& plan) {
  auto& s = doc.add("alternatives", "Alternatives: the best site of every other chip type");
  s.text("workload", "workload").text("chip", "chip").text("site", "best site");
  add_cost_columns(s);
  s.text("why_not_chosen", "why not chosen");
  for (const auto* c : best_chip_options(plan)) {
    const bool chosen = std::any_of(plan.chosen.begin(), plan.chosen.end(),
                                    [&](const search::Chosen& ch) { return &plan.candidates[ch.candidate] == c; });
    if (chosen) continue;
    std::vector<Cell> row = {text_cell(workload_name(r, *c)), text_cell(chip_label(*c)), text_cell(c->site)};
    for (auto& cell : option_cells(r, *c)) row.push_back(std::move(cell));
    const std::string why = note_of(*c);
    row.push_back(text_cell(why.empty() ? fmt::format("costlier by {}", to_string(r.objective)) : why));
    s.add_row(std::move(row));
  }
}

void add_candidates(Document& doc, const search::PlanRequest& r, const search::PlanResult& plan) {
  auto& s = doc.add("candidates", "Every priced option");
  s.text("workload", "workload").text("chip", "chip").text("system", "system").text("site", "site");
  s.text("site_country", "country").text("domestic", "domestic").text("verdict", "verdict").text("usable", "usable");
  add_cost_columns(s);
  s.number("objective", "objective", 1).text("layout", "layout").text("why_not", "why not").text("held_by", "held by");
  s.detail = true;
  for (const auto& c : plan.candidates) {
    std::vector<Cell> row = {text_cell(workload_name(r, c)), text_cell(c.chip), text_cell(c.system), text_cell(c.site),
                             text_cell(c.site_country), text_cell(c.domestic ? "yes" : "no"),
                             text_cell(std::string(policy::to_string(c.verdict))), text_cell(c.usable ? "yes" : "no")};
    for (auto& cell : option_cells(r, c)) row.push_back(std::move(cell));
    row.push_back(number_cell_if(c.count > 0, c.objective));
    for (const auto* t : {&c.layout, &c.why_not, &c.held_by}) row.push_back(text_cell(*t));
    s.add_row(std::move(row));
  }
}

}  // namespace

Section assumptions_section(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h) {
  Section s;
  s.id = "assumptions";
  s.title = "Assumptions";
  s.text("name", "assumption").text("value", "value").text("meaning", "meaning");
  const auto& a = r.assumptions;
  auto num = [](double v) { return fmt::format("{}", v); };
  s.add_row({text_cell("policy"), text_cell(plan.scenario), text_cell("export-control scenario")});
  s.add_row({text_cell("buyer"), text_cell(h.buyer + (h.state_funded ? " (state-funded)" : "")),
             text_cell("the buyer's home country")});
  s.add_row({text_cell("licences"), text_cell(r.licences_granted ? "grant" : "deny"),
             text_cell("case-by-case export licences assumed granted or refused")});
  s.add_row({text_cell("objective"), text_cell(h.objective), text_cell("what the plan minimises")});
  if (r.deadline_days) s.add_row({text_cell("deadline_days"), text_cell(num(*r.deadline_days)), text_cell("training deadline, days")});
  if (a.rental_usd_per_chip_hour)
    s.add_row({text_cell("rent_usd_per_chip_hour"), text_cell(num(*a.rental_usd_per_chip_hour)),
               text_cell("chips rented, power included, USD per chip-hour")});
  s.add_row({text_cell("chip_life_years"), text_cell(num(a.chip_life_years)), text_cell("chips and servers written off, years")});
  s.add_row({text_cell("building_life_years"), text_cell(num(a.building_life_years)), text_cell("facility written off, years")});
  s.add_row({text_cell("cost_of_capital"), text_cell(num(a.cost_of_capital)), text_cell("annual rate for the capital recovery factor")});
  s.add_row({text_cell("maintenance_share"), text_cell(num(a.opex.maintenance_share_per_year)), text_cell("maintenance and support per year, share of IT capex")});
  s.add_row({text_cell("staff_per_mw"), text_cell(num(a.opex.operations_staff_per_mw)), text_cell("operations staff per MW of IT load")});
  s.add_row({text_cell("staff_usd_per_year"), text_cell(num(a.opex.staff_usd_per_year)), text_cell("loaded cost of one staff member, USD per year")});
  s.add_row({text_cell("software_usd_per_chip_year"), text_cell(num(a.opex.software_usd_per_chip_year)), text_cell("software per chip-year, USD")});
  s.add_row({text_cell("insurance_tax_share"), text_cell(num(a.opex.insurance_tax_share_per_year)), text_cell("insurance and property tax per year, share of capex")});
  s.add_row({text_cell("spares_share"), text_cell(num(a.opex.spares_share_per_year)), text_cell("spare parts per year, share of IT capex")});
  s.add_row({text_cell("residual_share"), text_cell(num(a.residual_share)), text_cell("IT capex recovered at the end of the chip life")});
  s.add_row({text_cell("serving_utilisation"), text_cell(num(a.serving_utilisation)), text_cell("average served load over peak")});
  s.add_row({text_cell("carbon_usd_per_tco2"), text_cell(num(a.carbon_usd_per_tco2)), text_cell("carbon price, USD per tonne")});
  if (a.market_rent) s.add_row({text_cell("rent"), text_cell("market"), text_cell("each chip rented at its market rent")});
  s.add_row({text_cell("load_factor"), text_cell(num(a.load_factor)), text_cell("average chip power as a share of TDP")});
  s.add_row({text_cell("serving_years"), text_cell(num(r.serving_years)), text_cell("horizon over which serving fleets are priced")});
  if (r.budget_usd) s.add_row({text_cell("budget_usd"), text_cell(num(*r.budget_usd)), text_cell("capital budget, USD")});
  if (r.max_mw) s.add_row({text_cell("max_mw"), text_cell(num(*r.max_mw)), text_cell("facility power of the plan, MW")});
  return s;
}

Section break_even_section(const std::vector<search::BreakEven>& points) {
  Section s;
  s.id = "break_even";
  s.title = "Break-even: where the runner-up and the choice swap";
  s.text("workload", "workload").text("chosen", "chosen").text("runner_up", "runner-up").text("input", "input");
  s.text("unit", "unit").number("current", "now", 3).number("value", "break-even", 3);
  s.text("runner_up_cheaper", "runner-up cheaper").number("runner_up_margin", "margin now %", 1, 100);
  s.text("text", "what it means");
  for (const auto& b : points)
    s.add_row({text_cell(b.workload), text_cell(b.chosen), text_cell(b.runner_up), text_cell(b.input),
               text_cell(b.unit), number_cell(b.current), number_cell(b.value),
               text_cell(b.runner_up_wins_above ? "above" : "below"), number_cell(b.margin),
               text_cell(search::describe(b))});
  return s;
}

Document plan_document(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h,
                       const std::vector<search::BreakEven>& break_even) {
  Document doc = start_document("clusterplan plan", "plans", r, plan, h);
  add_plans(doc, r, plan);
  if (!plan.feasible) {
    auto& s = doc.add("infeasible", "No plan meets the request");
    for (const auto& b : plan.binding) s.notes.push_back("binds: " + b);
    for (const auto& w : plan.ways_out) s.notes.push_back("way out: " + w);
  }
  const auto why = search::explain_choices(plan);
  if (!why.empty()) {
    add_explanations(doc, r, plan, why);
    add_sites(doc, r, plan, why);
  }
  if (!break_even.empty()) doc.sections.push_back(break_even_section(break_even));
  add_alternatives(doc, r, plan);
  add_candidates(doc, r, plan);
  doc.sections.push_back(assumptions_section(r, plan, h));
  return doc;
}

Document compare_document(const search::PlanRequest& r, const search::PlanResult& plan, const PlanHeader& h,
                          const std::vector<search::BreakEven>& break_even) {
  Document doc = start_document("clusterplan compare", "rows", r, plan, h);
  // The columns and values of compare's CSV since it had one (domestic and
  // allowed as true/false), the money unscaled.
  auto& s = doc.add("rows", "Domestic vs imported: one row per chip type, cheapest first");
  s.text("chip", "chip").text("system", "system").text("site", "site").text("domestic", "domestic");
  s.text("allowed", "allowed").text("verdict", "verdict").number("count", "chips").number("power_mw", "MW", 1);
  s.number("capex_usd", "capex M$", 1, 1e-6).number("energy_usd_per_year", "energy M$/yr", 1, 1e-6);
  s.number("energy_usd_per_year_unsubsidized", "no-subsidy energy M$/yr", 1, 1e-6);
  s.number("tco_usd", "TCO M$", 1, 1e-6).number("usd_per_run", "M$ per run", 1, 1e-6);
  s.number("usd_per_million_tokens", "$/M tokens", 3).number("days", "days", 1);
  s.number("output_tokens_per_s", "output tokens/s").text("layout", "layout").text("why_not", "why not");
  s.number("job_cost_usd", "job cost M$", 1, 1e-6).number("usd_per_chip_hour", "USD/chip-hour", 2);
  s.text("over_limit", "over limit");
  for (const auto* c : best_chip_options(plan)) {
    const bool sized = c->count > 0;
    const bool training = is_training(r, *c);
    const auto& k = c->cost;
    s.add_row({text_cell(c->chip), text_cell(c->system), text_cell(c->site), text_cell(c->domestic ? "true" : "false"),
               text_cell(c->allowed ? "true" : "false"), text_cell(std::string(policy::to_string(c->verdict))),
               number_cell(static_cast<double>(c->count)), number_cell_if(sized, k.power_mw),
               number_cell_if(sized, k.capex_usd), number_cell_if(sized, k.energy_usd_per_year),
               number_cell_if(sized, k.energy_usd_per_year_unsubsidized), number_cell_if(sized, k.tco_usd),
               number_cell_if(sized && training, c->usd_per_run), number_cell_if(sized, c->usd_per_million_tokens),
               number_cell_if(sized && training, c->days), number_cell_if(sized && !training, c->output_tokens_per_s),
               text_cell(c->layout), text_cell(c->why_not), number_cell_if(sized, k.job_cost_usd),
               number_cell_if(sized, k.usd_per_chip_hour), text_cell(over_limit_text(plan, *c))});
  }
  if (!break_even.empty()) doc.sections.push_back(break_even_section(break_even));
  doc.sections.push_back(assumptions_section(r, plan, h));
  return doc;
}

}  // namespace planner::report
