#include "report/html_report.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "report/candidate_text.h"
#include "report/explain_report.h"
#include "report/html_page.h"
#include "report/json_document.h"
#include "report/plan_document.h"
#include "report/specs_report.h"
#include "report/svg.h"
#include "report/table.h"
#include "search/alternatives.h"

namespace planner::report {

using search::Candidate;

namespace {

std::string label(const Candidate& c) { return chip_label(c); }

const std::string& workload_name(const ReportInput& in, const Candidate& c) { return report::workload_name(*in.request, c); }

void add(std::string& out, const Document& doc, const std::string& id) {
  if (const auto* s = doc.find(id)) out += html_section(*s);
}

// One sentence per workload: what was chosen, what binds it, the runner-up.
std::string summary(const ReportInput& in) {
  const auto& plan = *in.plan;
  std::string out;
  for (const auto& ch : plan.chosen) {
    const auto& c = plan.candidates[ch.candidate];
    std::string binds;
    for (const auto& b : ch.binding) binds += (binds.empty() ? "" : "; ") + b;
    out += "<p class=\"lead\">" +
           escape_html(fmt::format("{}: {} x {} at {}, TCO {} M$ (capex {} M$, {} MW){}.", workload_name(in, c),
                                   grouped(static_cast<double>(ch.count)), label(c), c.site,
                                   fixed(ch.cost.tco_usd / 1e6, 1), fixed(ch.cost.capex_usd / 1e6, 1),
                                   fixed(ch.cost.power_mw, 1), binds.empty() ? "" : "; binds: " + binds)) +
           "</p>\n";
  }
  for (const auto& e : search::explain_choices(plan)) {
    if (!e.runner_up) continue;
    const auto& pick = plan.candidates[e.chosen];
    const auto& ru = plan.candidates[*e.runner_up];
    out += html_paragraph(fmt::format("Runner-up for {}: {}, {}, {} {} ({}%){}.", workload_name(in, pick),
                                      option_label(ru), objective_text(*in.request, ru, ru.objective),
                                      objective_text(*in.request, ru, std::fabs(e.margin), false),
                                      e.margin >= 0 ? "more" : "less", fixed(std::fabs(e.margin_fraction) * 100, 1),
                                      ru.held_by.empty() ? "" : ", held out by " + ru.held_by));
  }
  if (!plan.feasible) {
    out += html_paragraph("No plan meets the request.");
    for (const auto& b : plan.binding) out += html_paragraph("Binds: " + b);
    for (const auto& w : plan.ways_out) out += html_paragraph("Way out: " + w);
  }
  return out;
}

StackedBar cost_bar(const ReportInput& in, const Candidate& c, bool chosen) {
  const auto p = cost_parts(c.cost, in.request->assumptions);
  return {label(c) + " at " + c.site, {p.chips / 1e6, p.systems / 1e6, p.facility / 1e6, p.energy / 1e6, p.rent / 1e6, p.subsidy / 1e6}, chosen};
}

bool is_chosen(const search::PlanResult& plan, const Candidate& c) {
  return std::any_of(plan.chosen.begin(), plan.chosen.end(),
                     [&](const search::Chosen& ch) { return &plan.candidates[ch.candidate] == &c; });
}

std::string cost_bars(const ReportInput& in) {
  std::string out = html_heading("cost-bars", "What each chip type costs, by part (its best site)");
  const std::vector<std::string> parts = {"chips", "systems and network", "facility", "energy", "rent", "power refund"};
  for (std::size_t w = 0; w < in.request->workloads.size(); ++w) {
    std::vector<StackedBar> bars;
    for (const auto* c : best_chip_options(*in.plan))
      if (c->workload == static_cast<int>(w) && c->usable && c->count > 0) bars.push_back(cost_bar(in, *c, is_chosen(*in.plan, *c)));
    if (bars.empty()) continue;
    out += html_paragraph(in.request->workloads[w].name + ": TCO over the job (training) or the serving horizon, M$; "
                          "capex amortised over the chip and building lives.");
    out += stacked_bars_svg(parts, bars, "M$");
  }
  return out;
}

std::string site_view(const ReportInput& in, const Document& doc) {
  std::string out = html_heading("sites", "The chosen chip at every site");
  for (const auto& e : search::explain_choices(*in.plan)) {
    std::vector<StackedBar> bars;
    for (const auto i : e.sites) {
      const auto& c = in.plan->candidates[i];
      if (c.usable && c.count > 0) bars.push_back({c.site, {c.cost.tco_usd / 1e6}, i == e.chosen});
    }
    out += html_paragraph(fmt::format("{} for {}: TCO at each site where it may be used, M$.",
                                      label(in.plan->candidates[e.chosen]), workload_name(in, in.plan->candidates[e.chosen])));
    out += stacked_bars_svg({"TCO"}, bars, "M$");
  }
  if (const auto* s = doc.find("sites")) out += html_section(*s, false);
  return out;
}

// Serving: output tokens/s per chip against tokens/s per user for each
// workload's chosen chip, the points that meet the SLO marked.
std::string serving_frontier(const ReportInput& in) {
  std::string out = html_heading("frontier", "Throughput against interactivity");
  if (in.serving.empty()) return out + html_paragraph("No serving workload was planned.");
  for (const auto& f : in.serving) {
    std::vector<Point> points;
    Section s;
    s.number("tokens_per_s_per_user", "tokens/s per user", 1).number("output_tokens_per_s_per_chip", "output tokens/s per chip");
    s.number("tpot_ms", "TPOT ms", 2).number("ttft_ms", "TTFT ms", 1).number("batch", "batch").text("meets_slo", "meets the SLO");
    s.text("layout", "layout");
    bool labelled = false;  // the first point within the SLO says so; the others stay unlabelled
    for (const auto& p : f.frontier.points) {
      const auto& e = p.estimate;
      const double per_user = search::tokens_per_s_per_user(e);
      const bool first_within = !e.slo_missed && !labelled;
      labelled = labelled || first_within;
      points.push_back({per_user, e.output_tokens_per_s_per_chip, first_within ? "meets the SLO from here" : ""});
      s.add_row({number_cell(per_user), number_cell(e.output_tokens_per_s_per_chip), number_cell(e.tpot_ms),
                 number_cell(e.ttft_ms), number_cell(static_cast<double>(p.layout.batch)),
                 text_cell(e.slo_missed ? "no" : "yes"), text_cell(p.layout.str())});
    }
    out += html_paragraph(fmt::format(
        "{} on {} (layouts of up to {} chips): each point gives its users more tokens/s than the one before and less "
        "per chip; the plan takes the cheapest point within the SLO (TPOT {} ms).",
        f.workload, f.chip, grouped(static_cast<double>(f.count)), fixed(f.slo_tpot_ms, 0)));
    if (points.empty()) {
      out += html_paragraph("No layout runs on this chip count.");
      continue;
    }
    out += line_svg(points, "tokens/s per user", "output tokens/s per chip") + html_section(s, false);
  }
  return out;
}

std::string frontier(const ReportInput& in) {
  const bool training = std::any_of(in.request->workloads.begin(), in.request->workloads.end(),
                                    [](const workload::Workload& w) { return w.kind == workload::Kind::training; });
  if (!training) return serving_frontier(in);
  std::string out = html_heading("frontier", "Cost against deadline");
  std::vector<Point> points;
  Section s;
  s.text("deadline_days", "deadline days").number("tco_usd", "TCO M$", 1, 1e-6).number("capex_usd", "capex M$", 1, 1e-6);
  s.text("chosen", "chosen");
  for (const auto& o : in.deadlines) {
    std::string chosen;
    for (const auto& c : o.choices) chosen += (chosen.empty() ? "" : "; ") + c.system + " x " + grouped(static_cast<double>(c.count)) + " at " + c.site;
    s.add_row({text_cell(fixed(o.values.front(), 0)), number_cell_if(o.feasible, o.total_tco_usd),
               number_cell_if(o.feasible, o.total_capex_usd), text_cell(o.feasible ? chosen : "no plan: " + o.problem)});
    if (o.feasible) points.push_back({o.values.front(), o.total_tco_usd / 1e6, o.choices.empty() ? "" : o.choices.front().system});
  }
  out += html_paragraph("The whole plan re-made with every training deadline set to each value (days); TCO in M$.");
  return out + line_svg(points, "deadline, days", "TCO, M$") + html_section(s, false);
}

std::string tornado(const ReportInput& in) {
  std::string out = html_heading("tornado", "What moves the cost most");
  if (in.tornado.empty()) return out + html_paragraph("No tornado: the plan is infeasible or has no uncertain input.");
  std::vector<TornadoRow> rows;
  for (const auto& b : in.tornado)
    rows.push_back({fmt::format("{} ({} to {})", b.input.label, util::format_number(b.input.low), util::format_number(b.input.high)),
                    b.tco_low_usd / 1e6, b.tco_high_usd / 1e6});
  out += html_paragraph(fmt::format("Each input moved alone over its range, the plan re-made at each end: the plan's TCO in M$ "
                                    "(light: input at its low end, dark: at its high end; base {} M$).",
                                    fixed(in.plan->total_tco_usd / 1e6, 1)));
  return out + tornado_svg(rows, in.plan->total_tco_usd / 1e6, "M$");
}

// Every sourced figure of the chips and sites the plan priced and chose among.
std::string sources(const ReportInput& in) {
  std::set<std::string> chips, sites;
  for (const auto* c : best_chip_options(*in.plan)) chips.insert(c->system.empty() ? c->chip : c->system), chips.insert(c->chip);
  for (const auto& ch : in.plan->chosen) sites.insert(in.plan->candidates[ch.candidate].site);
  std::string out = html_heading("sources", "Sources");
  Section s;
  s.text("item", "item").text("field", "field");
  s.columns.push_back({"value", "value", true, 1, -1});
  s.text("source", "source");
  auto add_rows = [&](const std::string& id, const util::Json& json) {
    const auto fields = json_document(json, "", "");
    for (const auto& row : fields.sections.front().rows)
      if (!row[2].text.empty()) s.add_row({text_cell(id), row[0], row[1], row[2]});
  };
  for (const auto& id : chips) {
    if (const auto* a = in.catalog->find_accelerator(id)) add_rows(id, accelerator_json(*a));
    if (const auto* y = in.catalog->find_system(id)) add_rows(id, system_json(*y));
  }
  for (const auto& id : sites)
    if (const auto* site = in.catalog->find_site(id)) add_rows(id, site_json(*site));
  return out + html_section(s, false);
}

}  // namespace

CostParts cost_parts(const cost::Cost& k, const cost::Assumptions& a) {
  CostParts p;
  const double per_year = k.capex_usd_per_year + k.rental_usd_per_year + k.energy_usd_per_year;
  const double years = per_year > 0 ? k.tco_usd / per_year : 0;
  const double chip_crf = cost::capital_recovery_factor(a.cost_of_capital, a.chip_life_years);
  p.chips = k.chip_capex_usd * chip_crf * years;
  p.systems = k.system_capex_usd * chip_crf * years;
  p.facility = k.facility_capex_usd * cost::capital_recovery_factor(a.cost_of_capital, a.building_life_years) * years;
  p.energy = k.energy_usd_per_year_unsubsidized * years;
  p.subsidy = -(k.energy_usd_per_year_unsubsidized - k.energy_usd_per_year) * years;
  p.rent = k.rental_usd_per_year * years;
  return p;
}

std::string html_report(const ReportInput& in) {
  const auto doc = plan_document(*in.request, *in.plan, in.header, in.break_even);
  const auto compare = compare_document(*in.request, *in.plan, in.header);
  std::string names;
  for (const auto& w : in.request->workloads) names += (names.empty() ? "" : ", ") + w.name;
  std::string out = html_open("clusterplan report: " + names);
  out += html_paragraph(doc.lines.front()) + summary(in);
  add(out, doc, "plans");
  add(out, doc, "explanations");
  out += cost_bars(in) + site_view(in, doc) + frontier(in) + tornado(in);
  add(out, doc, "break_even");
  out += html_heading("domestic", "Domestic vs imported: the best site of every chip type");
  if (const auto* s = compare.find("rows")) out += html_section(*s, false);
  add(out, doc, "alternatives");
  add(out, doc, "assumptions");
  out += sources(in);
  out += "<p><small>" + escape_html("Made by: " + in.generated_by) + "</small></p>\n";
  return out + html_close();
}

}  // namespace planner::report
