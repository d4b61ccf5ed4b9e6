// Report formats: a Document rendered as markdown, CSV and xlsx (unzipped and
// read back), JSON flattened into a Document, and a plan's CSV and markdown
// holding the numbers of its JSON.

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "plan_fixture.h"
#include "report/document.h"
#include "report/formats.h"
#include "report/json_document.h"
#include "report/plan_document.h"
#include "report/plan_report.h"
#include "report/sweep_document.h"
#include "report/sweep_report.h"
#include "report/table.h"
#include "report/xlsx.h"
#include "search/plan.h"
#include "search/sweep.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "workload/loader.h"

using namespace planner;
using report::Document;

namespace {

Document sample() {
  Document doc;
  doc.title = "sample";
  doc.lines = {"one line"};
  doc.primary = "costs";
  auto& s = doc.add("costs", "Costs");
  s.text("chip", "chip").number("capex_usd", "capex M$", 1, 1e-6).number("count", "chips");
  s.add_row({report::text_cell("a|b"), report::number_cell(1234567.0), report::number_cell(8)});
  s.add_row({report::text_cell("say \"hi\", twice"), {}, report::number_cell(1.0 / 3)});
  s.notes = {"a note"};
  auto& d = doc.add("all", "Everything");
  d.text("x", "x");
  d.add_row({report::text_cell("hidden")});
  d.detail = true;
  return doc;
}

// The text of one file inside a zip archive, via Debian's unzip.
std::string unzip(const std::string& archive, const std::string& member) {
  const std::string command = "unzip -p '" + archive + "' '" + member + "'";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

}  // namespace

TEST_SUITE("report::formats") {
  TEST_CASE("a cell shows people the scaled number and scripts the exact one") {
    const report::Column musd{"capex_usd", "capex M$", true, 1e-6, 1};
    CHECK(report::display(musd, report::number_cell(1234567.0)) == "1.2");
    CHECK(report::raw(report::number_cell(1234567.0)) == "1234567");
    CHECK(report::raw(report::number_cell(0.1 + 0.2)) == "0.30000000000000004");
    CHECK(report::display(musd, {}) == "");
    const report::Column exact{"x", "x", true, 1, -1};
    CHECK(report::display(exact, report::number_cell(2.5)) == "2.5");
  }

  TEST_CASE("markdown: headings, pipe tables with numbers right-aligned, notes; detail listings left out") {
    CHECK(report::markdown(sample()) ==
          "# sample\n\none line\n\n## Costs\n\n"
          "| chip | capex M$ | chips |\n|---|---:|---:|\n"
          "| a\\|b | 1.2 | 8 |\n| say \"hi\", twice |  | 0 |\n\n- a note\n");
  }

  TEST_CASE("csv: the primary section, keys as headers, exact numbers, RFC 4180 quoting, blanks empty") {
    CHECK(report::csv(sample()) ==
          "chip,capex_usd,count\na|b,1234567,8\n\"say \"\"hi\"\", twice\",,0.3333333333333333\n");
  }

  TEST_CASE("json flattened: fields with sources, arrays as sections, nested arrays name their parent") {
    const auto doc = report::json_document(
        util::Json::parse(R"({"schema_version": 1, "tdp_w": {"value": 700, "source": "datasheet", "date": "2024"},
          "flags": ["a", "b"],
          "chips": [{"name": "x", "id": "c1", "peak": {"value": 2.5, "estimate": "guess"},
                     "runs": [{"n": 1}, {"n": 2}]},
                    {"id": "c2", "peak": {"value": 3, "source": "s"}}]})"),
        "t", "");
    REQUIRE(doc.sections.size() == 3);
    const auto& fields = doc.sections[0];
    REQUIRE(fields.rows.size() == 3);
    CHECK(fields.rows[0][0].text == "flags");
    CHECK(fields.rows[0][1].text == "a; b");
    CHECK(fields.rows[2][0].text == "tdp_w");
    CHECK(*fields.rows[2][1].number == 700);
    CHECK(fields.rows[2][2].text == "datasheet (2024)");
    CHECK(doc.primary == "chips");
    CHECK(report::csv(doc) == "id,name,peak\nc1,x,2.5\nc2,,3\n");
    CHECK(doc.sections[2].id == "chips.runs");
    CHECK(report::csv(Document{doc.title, {}, {doc.sections[2]}, "chips.runs"}) == "parent,n\nc1,1\nc1,2\n");
  }

  TEST_CASE("xlsx: one sheet per section, numbers as numbers under keyed headers, read back from the zip") {
    const auto path = (std::filesystem::temp_directory_path() / "clusterplan-test-report.xlsx").string();
    REQUIRE(report::write_xlsx(sample(), path) == "");
    const auto workbook = unzip(path, "xl/workbook.xml");
    CHECK(workbook.find("name=\"about\"") != std::string::npos);
    CHECK(workbook.find("name=\"costs\"") != std::string::npos);
    CHECK(workbook.find("name=\"all\"") != std::string::npos);  // detail listings too
    const auto strings = unzip(path, "xl/sharedStrings.xml");
    CHECK(strings.find("<t>capex_usd</t>") != std::string::npos);
    const auto costs = unzip(path, "xl/worksheets/sheet2.xml");
    // B2 is a number cell (no t="s") holding the unscaled value; B3 is blank.
    CHECK(costs.find("<c r=\"B2\" s=\"2\"><v>1234567</v></c>") != std::string::npos);
    CHECK(costs.find("r=\"B3\"") == std::string::npos);
    CHECK(costs.find("<c r=\"A2\" t=\"s\">") != std::string::npos);
    std::filesystem::remove(path);
    CHECK(report::write_xlsx(sample(), "/nonexistent-dir/x.xlsx").starts_with("cannot write /nonexistent-dir/x.xlsx"));
  }

  TEST_CASE("a plan's csv and markdown hold the numbers of its JSON") {
    const auto& catalog = fixture::bundled_catalog();
    auto r = fixture::example_request("llama3-8b-pretrain.json", {"hgx-h100-8", "mi355x-8"}, {"us-tx", "us-va"});
    std::vector<std::string> problems;
    const auto plan = search::make_plan(catalog, r, problems);
    REQUIRE(problems.empty());
    REQUIRE(plan.feasible);
    const report::PlanHeader h{"US", false, "tco"};
    const auto json = report::plan_json(r, plan, h);
    const auto doc = report::plan_document(r, plan, h);
    const auto* plans = doc.find("plans");
    REQUIRE(plans);
    REQUIRE(plans->rows.size() == json["plans"].size());
    for (const char* key : {"count", "power_mw", "capex_usd", "energy_usd_per_year", "tco_usd", "days",
                            "usd_per_million_tokens"}) {
      const int col = plans->column(key);
      REQUIRE(col >= 0);
      CHECK(*plans->rows[0][static_cast<std::size_t>(col)].number == json["plans"][0][key].get<double>());
    }
    // The csv line reads back to the same doubles.
    std::istringstream lines(report::csv(doc));
    std::string header, first;
    std::getline(lines, header);
    std::getline(lines, first);
    CHECK(first.find(fmt::format("{}", json["plans"][0]["tco_usd"].get<double>())) != std::string::npos);
    // The runner-up and its margin agree with explanations[].
    const auto& e = json["explanations"][0];
    const auto* why = doc.find("explanations");
    REQUIRE(why);
    CHECK(*why->rows[0][static_cast<std::size_t>(why->column("margin"))].number == e["margin"].get<double>());
    CHECK(e["margin"].get<double>() > 0);
    CHECK(e["margin"].get<double>() ==
          doctest::Approx(e["runner_up"]["objective"].get<double>() - e["objective"].get<double>()));
    // The chosen chip at both sites, the chosen one first.
    REQUIRE(e["sites"].size() == 2);
    CHECK(e["sites"][0]["site"] == json["plans"][0]["site"]);
    CHECK(e["sites"][0]["tco_usd"].get<double>() <= e["sites"][1]["tco_usd"].get<double>());
    // People see the same TCO in the markdown, in M$.
    const auto md = report::markdown(doc);
    CHECK(md.find(report::fixed(json["plans"][0]["tco_usd"].get<double>() / 1e6, 1)) != std::string::npos);
  }
}

TEST_SUITE("report::sweep_document") {
  TEST_CASE("a sweep's xlsx rows have the CSV's columns and numbers") {
    search::SweepAxis axis;
    REQUIRE(search::parse_axis("electricity=0.05..0.1:2", axis).empty());
    search::SweepOutcome ok;
    ok.index = 0;
    ok.values = {0.05};
    ok.feasible = true;
    search::SweepChoice c;
    c.workload = "w";
    c.chip = "h100-sxm";
    c.system = "hgx-h100-8";
    c.site = "us-tx";
    c.count = 1024;
    c.days = 30.5;
    c.tco_usd = 1234567;
    c.usd_per_run = 1234567;
    ok.choices = {c};
    search::SweepOutcome bad;
    bad.index = 1;
    bad.values = {0.1};
    bad.problem = "no site";
    const auto doc = report::sweep_document({axis}, {ok, bad});
    std::istringstream ours(report::csv(doc)), theirs(report::sweep_csv({axis}, {ok, bad}, true));
    std::string our_header, their_header;
    std::getline(ours, our_header);
    std::getline(theirs, their_header);
    CHECK(our_header == their_header);
    const auto& s = doc.sections.front();
    REQUIRE(s.rows.size() == 2);
    CHECK(*s.rows[0][static_cast<std::size_t>(s.column("tco_usd"))].number == 1234567);
    CHECK(*s.rows[0][static_cast<std::size_t>(s.column("electricity"))].number == 0.05);
    CHECK(!s.rows[0][static_cast<std::size_t>(s.column("output_tokens_per_s"))].number);  // training: blank
    CHECK(s.rows[1].back().text == "no site");
  }
}
