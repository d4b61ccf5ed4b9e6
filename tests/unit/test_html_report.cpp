// The HTML report: one self-contained page (no script, no network), well
// formed (every element closed in order), with its charts, holding the
// numbers of the plan's JSON; the cost parts add up to the TCO.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "plan_fixture.h"
#include "report/html_report.h"
#include "report/plan_report.h"
#include "report/table.h"
#include "search/break_even.h"
#include "search/frontier.h"
#include "search/plan.h"
#include "search/tornado.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "workload/loader.h"

using namespace planner;

namespace {

// Checks that every element is closed in the order it was opened (void
// elements and self-closed SVG elements excepted) and returns the problems.
std::vector<std::string> structure_problems(const std::string& html) {
  static const std::vector<std::string> kVoid = {"meta", "br", "hr", "img", "link", "input", "!DOCTYPE"};
  std::vector<std::string> open, problems;
  for (std::size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    const std::size_t end = html.find('>', at);
    if (end == std::string::npos) return {"unterminated tag"};
    std::string tag = html.substr(at + 1, end - at - 1);
    const bool closing = tag.starts_with("/");
    const bool self_closed = tag.ends_with("/");
    const std::string name = tag.substr(closing ? 1 : 0, tag.find_first_of(" />", closing ? 1 : 0) - (closing ? 1 : 0));
    if (self_closed || std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end()) continue;
    if (!closing) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      problems.push_back("</" + name + "> closes <" + (open.empty() ? "nothing" : open.back()) + ">");
    } else {
      open.pop_back();
    }
  }
  for (const auto& name : open) problems.push_back("<" + name + "> never closed");
  return problems;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The page without its line-break hints (<wbr/> after commas in text cells).
std::string without_line_breaks(const std::string& page) {
  std::string html;
  for (std::size_t at = 0; at < page.size();) {
    if (page.compare(at, 6, "<wbr/>") == 0) at += 6;
    else html += page[at++];
  }
  return html;
}

}  // namespace

TEST_SUITE("report::html") {
  TEST_CASE("a report is one well-formed page with its charts and the numbers of the JSON plan") {
    const auto& catalog = fixture::bundled_catalog();
    auto r = fixture::example_request("llama3-8b-pretrain.json", {"hgx-h100-8", "mi355x-8", "atlas-800-910c-8"},
                                      {"us-tx", "us-va", "cn-gansu"});
    std::vector<std::string> problems;
    const auto plan = search::make_plan(catalog, r, problems);
    REQUIRE(plan.feasible);
    report::ReportInput in;
    in.catalog = &catalog;
    in.request = &r;
    in.plan = &plan;
    in.header = {"US", false, "tco"};
    in.break_even = search::break_evens(catalog, r, plan);
    in.tornado = search::tornado(catalog, r, plan);
    in.generated_by = "test";
    const auto page = report::html_report(in);
    const std::string html = without_line_breaks(page);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(structure_problems(page).empty());
    // Self-contained: no script, nothing fetched (the SVG namespace is a name, not a fetch).
    CHECK(html.find("<script") == std::string::npos);
    CHECK(count(html, "http") == count(html, "http://www.w3.org/2000/svg") + count(html, "https://"));
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    // Charts: cost bars, the site-vs-site bars, the deadline frontier placeholder's absence is fine, the tornado.
    CHECK(count(html, "<svg") >= 3);
    CHECK(html.find("id=\"tornado\"") != std::string::npos);
    CHECK(!in.tornado.empty());
    // The JSON plan's numbers, as people see them.
    const auto json = report::plan_json(r, plan, in.header);
    const auto& p = json["plans"][0];
    CHECK(html.find(report::fixed(p["tco_usd"].get<double>() / 1e6, 1)) != std::string::npos);
    CHECK(html.find(report::grouped(p["count"].get<double>())) != std::string::npos);
    CHECK(html.find(report::fixed(p["capex_usd"].get<double>() / 1e6, 1)) != std::string::npos);
    CHECK(html.find(p["layout"].get<std::string>()) != std::string::npos);
    const auto& e = json["explanations"][0];
    CHECK(html.find(report::grouped(e["margin"].get<double>())) != std::string::npos);
    for (const auto& site : e["sites"]) CHECK(html.find(site["site"].get<std::string>()) != std::string::npos);
    // Sources: the chosen chip's price with its document.
    CHECK(html.find("price.unit_usd") != std::string::npos);
  }

  TEST_CASE("a serving report charts the chosen chip's frontier, its points as the frontier computes them") {
    const auto& catalog = fixture::bundled_catalog();
    auto r = fixture::example_request("llama3-70b-chat-serving.json", {"hgx-h100-8"}, {"us-tx"});
    r.buyer.country = "US";  // users where the buyer is
    std::vector<std::string> problems;
    const auto plan = search::make_plan(catalog, r, problems);
    REQUIRE(plan.feasible);
    const auto frontiers = search::plan_frontiers(catalog, r, plan);
    REQUIRE(frontiers.size() == 1);
    const auto& f = frontiers.front();
    CHECK(f.chip == plan.candidates[plan.chosen.front().candidate].system);
    CHECK(f.count == plan.chosen.front().count);
    REQUIRE(f.frontier.points.size() >= 2);
    report::ReportInput in;
    in.catalog = &catalog;
    in.request = &r;
    in.plan = &plan;
    in.header = {"US", false, "job-cost"};
    in.serving = frontiers;
    in.generated_by = "test";
    const auto page = report::html_report(in);
    CHECK(structure_problems(page).empty());
    const auto html = without_line_breaks(page);
    CHECK(html.find("Throughput against interactivity") != std::string::npos);
    CHECK(html.find("tokens/s per user") != std::string::npos);
    CHECK(count(html, "meets the SLO from here") <= 1);
    // Every frontier point's layout and throughput per chip is in the table.
    for (const auto& p : f.frontier.points) {
      CHECK(html.find(p.layout.str()) != std::string::npos);
      CHECK(html.find(report::grouped(p.estimate.output_tokens_per_s_per_chip)) != std::string::npos);
    }
  }

  TEST_CASE("the cost parts add up to the TCO, the refund negative") {
    cost::Cost k;
    k.chip_capex_usd = 1000;
    k.system_capex_usd = 500;
    k.facility_capex_usd = 3000;
    k.energy_usd_per_year_unsubsidized = 200;
    k.energy_usd_per_year = 100;  // half refunded
    cost::Assumptions a;          // 5-year chips, 15-year building, no cost of capital
    k.capex_usd_per_year = 1500.0 / 5 + 3000.0 / 15;
    k.tco_usd = (k.capex_usd_per_year + k.energy_usd_per_year) * 0.5;  // half a year
    const auto p = report::cost_parts(k, a);
    CHECK(p.chips == doctest::Approx(100));
    CHECK(p.systems == doctest::Approx(50));
    CHECK(p.facility == doctest::Approx(100));
    CHECK(p.energy == doctest::Approx(100));
    CHECK(p.subsidy == doctest::Approx(-50));
    CHECK(p.chips + p.systems + p.facility + p.energy + p.subsidy + p.rent == doctest::Approx(k.tco_usd));
  }
}
