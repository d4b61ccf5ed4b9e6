// specs::loader and specs::catalog on in-memory files: a complete valid
// accelerator, system and site table, then one bad input per test case with
// the whole diagnostics text checked word for word.

#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "specs/catalog.h"
#include "specs/loader.h"
#include "util/file_system.h"
#include "util/json_reader.h"

using planner::specs::Catalog;
using planner::util::Diagnostics;
using planner::util::Json;
using planner::util::MemoryFileSystem;

namespace {

// A sourced value with a document behind it.
Json sourced(double value) { return {{"value", value}, {"source", "Test datasheet"}, {"date", "2024-03"}}; }

// A value marked as an estimate.
Json estimated(double value) { return {{"value", value}, {"estimate", "scaled from a sibling part"}}; }

// An H100-like chip whose FP8 figure (1979 x 8 = 15,832) beats its BF16
// figure (989.4 x 16 = 15,830.4) for TPP.
Json valid_accelerator(const std::string& id = "test-chip") {
  return {
      {"kind", "accelerator"},
      {"id", id},
      {"name", "Test Chip 80GB"},
      {"vendor", "Testco"},
      {"origin_country", "US"},
      {"fab", "TSMC 4N, Taiwan"},
      {"released", "2022-09"},
      {"compute",
       {{"bf16_tflops", sourced(989.4)},
        {"fp16_tflops", sourced(989.4)},
        {"fp8_tflops", sourced(1979)},
        {"int8_tops", sourced(1979)}}},
      {"memory", {{"hbm_gb", sourced(80)}, {"hbm_tbps", sourced(3.35)}}},
      {"interconnect",
       {{"scale_up_gbytes_per_s", sourced(450)},
        {"scale_up_domain_chips", sourced(8)},
        {"scale_out_gbits_per_s", sourced(400)}}},
      {"power", {{"tdp_w", sourced(700)}}},
      {"price", {{"unit_usd", estimated(30000)}}},
      {"export_control", {{"die_area_mm2", sourced(814)}, {"tpp_published", sourced(15832)}}},
      {"notes", "for tests"},
  };
}

Json valid_system(const std::string& id = "test-node", const std::string& accelerator = "test-chip") {
  return {
      {"kind", "system"},
      {"id", id},
      {"name", "Test 8-chip node"},
      {"accelerator", accelerator},
      {"chips_per_system", 8},
      {"scale_up_domain_chips", 8},
      {"host_power_w_per_chip", estimated(300)},
      {"system_cost_usd_per_chip", sourced(5000)},
  };
}

Json valid_site(const std::string& id, const std::string& country) {
  return {
      {"id", id},
      {"name", "Test site " + id},
      {"country", country},
      {"region", "Somewhere"},
      {"electricity_usd_per_kwh", sourced(0.05)},
      {"pue", sourced(1.2)},
      {"power_available_mw", sourced(500)},
      {"grid_gco2_per_kwh", estimated(400)},
      {"facility_capex_usd_per_mw", sourced(10e6)},
  };
}

Json valid_site_table() {
  Json west = valid_site("test-west", "CN");
  west["subsidies"] = Json::array({{{"kind", "power_bill_refund"},
                                    {"fraction", sourced(0.5)},
                                    {"applies_to", "domestic_chips"},
                                    {"note", "half the bill back"}}});
  Json east = valid_site("test-east", "US");
  east["subsidies"] = Json::array(
      {{{"kind", "power_bill_refund"}, {"fraction", estimated(0.1)}, {"applies_to", "all"}}});
  return {{"kind", "site_table"}, {"sites", Json::array({west, east})}};
}

struct Loaded {
  Catalog catalog;
  Diagnostics diagnostics;
};

// Loads `paths` from a file system holding `files` (path -> contents).
Loaded load(const std::map<std::string, std::string>& files, const std::vector<std::string>& paths) {
  MemoryFileSystem fs;
  for (const auto& [path, text] : files) fs.add(path, text);
  Loaded out;
  out.catalog = planner::specs::load_catalog(fs, paths, out.diagnostics);
  return out;
}

// Everything reported when loading `doc` as the single file `path`.
std::string errors_of(const Json& doc, const std::string& path = "chip.json") {
  return load({{path, doc.dump(2)}}, {path}).diagnostics.str();
}

// Everything reported when loading the raw text `text` as "chip.json".
std::string errors_of_text(const std::string& text) {
  return load({{"chip.json", text}}, {"chip.json"}).diagnostics.str();
}

const std::string kNeedsSource =
    "needs \"source\" (a document) or \"estimate\" (the reasoning behind the value)";
const std::string kNotSourced =
    "expected a sourced value {\"value\", \"source\", \"date\"} or {\"value\", \"estimate\"}, got ";

}  // namespace

TEST_SUITE("specs::loader") {
  // ---- the valid inputs load without a word --------------------------------

  TEST_CASE("the valid accelerator, system and site table load cleanly") {
    const auto loaded = load({{"data/accelerators/test-chip.json", valid_accelerator().dump()},
                              {"data/systems/test-node.json", valid_system().dump()},
                              {"data/sites/test.json", valid_site_table().dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.str() == "");
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    REQUIRE(loaded.catalog.systems.size() == 1);
    REQUIRE(loaded.catalog.sites.size() == 2);
    const auto& a = loaded.catalog.accelerators[0];
    CHECK(a.id == "test-chip");
    CHECK(a.name == "Test Chip 80GB");
    CHECK(a.vendor == "Testco");
    CHECK(a.origin_country == "US");
    CHECK(a.fab == "TSMC 4N, Taiwan");
    CHECK(a.released == "2022-09");
    CHECK(a.notes == "for tests");
    CHECK(a.file == "data/accelerators/test-chip.json");
    CHECK(a.bf16_tflops.value == 989.4);
    CHECK(a.hbm_tbps.value == 3.35);
    CHECK(a.scale_up_domain_chips.value == 8);
    CHECK(a.tdp_w.value == 700);
    CHECK(a.bf16_tflops.provenance.source == "Test datasheet");
    CHECK(a.bf16_tflops.provenance.date == "2024-03");
    CHECK_FALSE(a.fp4_tflops.has_value());

    const auto& s = loaded.catalog.systems[0];
    CHECK(s.accelerator == "test-chip");
    CHECK(s.chips_per_system == 8);
    CHECK(s.scale_up_domain_chips == 8);
    CHECK(s.host_power_w_per_chip.value == 300);
    CHECK(s.system_cost_usd_per_chip.value == 5000);
    CHECK_FALSE(s.scale_up_gbytes_per_s.has_value());
  }

  TEST_CASE("TPP is the maximum over precisions of dense TOPS x bit length") {
    auto doc = valid_accelerator();
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    const auto& a = loaded.catalog.accelerators[0];
    // FP8 1979 x 8 = 15,832 beats BF16 989.4 x 16 = 15,830.4.
    CHECK(a.tpp() == doctest::Approx(15832));

    // Without FP8 and INT8 the BF16 figure decides.
    doc["compute"].erase("fp8_tflops");
    doc["compute"].erase("int8_tops");
    doc["export_control"].erase("tpp_published");
    const auto bf16_only = load({{"chip.json", doc.dump()}}, {"chip.json"});
    REQUIRE(bf16_only.catalog.accelerators.size() == 1);
    CHECK(bf16_only.catalog.accelerators[0].tpp() == doctest::Approx(15830.4));

    // FP4 counts 4 bits: 5000 x 4 = 20,000 beats both.
    doc["compute"]["fp4_tflops"] = sourced(5000);
    const auto with_fp4 = load({{"chip.json", doc.dump()}}, {"chip.json"});
    REQUIRE(with_fp4.catalog.accelerators.size() == 1);
    CHECK(with_fp4.catalog.accelerators[0].tpp() == doctest::Approx(20000));
  }

  TEST_CASE("performance density is TPP over die area") {
    auto doc = valid_accelerator();
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    const auto density = loaded.catalog.accelerators[0].performance_density();
    REQUIRE(density.has_value());
    CHECK(*density == doctest::Approx(15832.0 / 814));  // 19.45

    doc["export_control"].erase("die_area_mm2");
    const auto no_die = load({{"chip.json", doc.dump()}}, {"chip.json"});
    REQUIRE(no_die.catalog.accelerators.size() == 1);
    CHECK_FALSE(no_die.catalog.accelerators[0].performance_density().has_value());
  }

  TEST_CASE("the export_control block is optional") {
    auto doc = valid_accelerator();
    doc.erase("export_control");
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    CHECK(loaded.diagnostics.str() == "");
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    CHECK_FALSE(loaded.catalog.accelerators[0].tpp_published.has_value());
  }

  TEST_CASE("a published TPP within 2% of the computed one is accepted") {
    auto doc = valid_accelerator();
    doc["export_control"]["tpp_published"] = sourced(15832 * 1.019);
    CHECK(errors_of(doc) == "");
  }

  TEST_CASE("the catalog is sorted by id whatever the file order") {
    const auto loaded = load({{"data/accelerators/a.json", valid_accelerator("zeta-chip").dump()},
                              {"data/accelerators/b.json", valid_accelerator("alpha-chip").dump()},
                              {"data/accelerators/c.json", valid_accelerator("mid-chip").dump()},
                              {"data/systems/a.json", valid_system("z-node", "alpha-chip").dump()},
                              {"data/systems/b.json", valid_system("a-node", "zeta-chip").dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.str() == "");
    CHECK(loaded.catalog.accelerator_ids() == std::vector<std::string>{"alpha-chip", "mid-chip", "zeta-chip"});
    CHECK(loaded.catalog.system_ids() == std::vector<std::string>{"a-node", "z-node"});
    REQUIRE(loaded.catalog.find_accelerator("alpha-chip") != nullptr);
    CHECK(loaded.catalog.find_accelerator("alpha-chip")->file == "data/accelerators/b.json");
    CHECK(loaded.catalog.find_accelerator("alpha") == nullptr);
  }

  TEST_CASE("sites are sorted by id across tables") {
    Json other = {{"kind", "site_table"}, {"sites", Json::array({valid_site("aaa-first", "JP")})}};
    const auto loaded = load({{"s1.json", valid_site_table().dump()}, {"s2.json", other.dump()}},
                             {"s1.json", "s2.json"});
    CHECK(loaded.diagnostics.str() == "");
    CHECK(loaded.catalog.site_ids() == std::vector<std::string>{"aaa-first", "test-east", "test-west"});
    REQUIRE(loaded.catalog.find_site("test-east") != nullptr);
    CHECK(loaded.catalog.find_site("test-east")->json_path == "/sites/1");
    CHECK(loaded.catalog.find_site("aaa-first")->file == "s2.json");
  }

  TEST_CASE("an estimate is flagged, a sourced value is not") {
    const auto loaded = load({{"chip.json", valid_accelerator().dump()}}, {"chip.json"});
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    const auto& a = loaded.catalog.accelerators[0];
    CHECK(a.unit_usd.is_estimate());
    CHECK(a.unit_usd.provenance.estimate == "scaled from a sibling part");
    CHECK(a.unit_usd.provenance.source == "");
    CHECK_FALSE(a.tdp_w.is_estimate());
  }

  TEST_CASE("url, note and alternatives are kept with the value") {
    auto doc = valid_accelerator();
    doc["price"]["unit_usd"] = {
        {"value", 30000},
        {"source", "Price list"},
        {"date", "2026"},
        {"url", "https://example.com/prices"},
        {"note", "street price"},
        {"alternatives", {{{"value", 25000}, {"source", "Other list"}, {"date", "2025-12-01"}, {"note", "low end"}}}}};
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    CHECK(loaded.diagnostics.str() == "");
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    const auto& p = loaded.catalog.accelerators[0].unit_usd.provenance;
    CHECK(p.url == "https://example.com/prices");
    CHECK(p.note == "street price");
    REQUIRE(p.alternatives.size() == 1);
    CHECK(p.alternatives[0].value == 25000);
    CHECK(p.alternatives[0].source == "Other list");
    CHECK(p.alternatives[0].date == "2025-12-01");
    CHECK(p.alternatives[0].note == "low end");
  }

  TEST_CASE("an estimate's range is kept with the value; a range may sit on a sourced value too") {
    auto doc = valid_accelerator();
    doc["price"]["unit_usd"]["range"] = {{"low", 25000}, {"high", 40000}};
    doc["power"]["tdp_w"]["range"] = {{"low", 700}, {"high", 700}};  // a point range is allowed
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    CHECK(loaded.diagnostics.str() == "");
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    const auto& a = loaded.catalog.accelerators[0];
    REQUIRE(a.unit_usd.provenance.range.has_value());
    CHECK(a.unit_usd.provenance.range->low == 25000);
    CHECK(a.unit_usd.provenance.range->high == 40000);
    REQUIRE(a.tdp_w.provenance.range.has_value());
    CHECK(a.tdp_w.provenance.range->low == 700);
    CHECK_FALSE(a.bf16_tflops.provenance.range.has_value());
    const Json out = planner::specs::to_json(a.unit_usd);
    CHECK(out["range"] == Json({{"low", 25000}, {"high", 40000}}));
    CHECK_FALSE(planner::specs::to_json(a.bf16_tflops).contains("range"));
  }

  TEST_CASE("a price for chips delivered into one country, converted from yuan at a dated rate") {
    auto doc = valid_accelerator();
    auto cn = sourced(27204);
    cn["currency"] = {{"code", "CNY"}, {"amount", 190000}, {"per_usd", 6.9843}, {"date", "2026-01-26"},
                      {"source", "CFETS central parity"}};
    doc["price"]["by_country"] = {{"CN", cn}};
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    CHECK(loaded.diagnostics.str() == "");
    REQUIRE(loaded.catalog.accelerators.size() == 1);
    const auto& a = loaded.catalog.accelerators[0];
    CHECK(a.unit_price("CN").value == 27204);
    CHECK(a.unit_price("US").value == 30000);  // everywhere else: unit_usd
    REQUIRE(a.unit_price("CN").provenance.currency.has_value());
    CHECK(a.unit_price("CN").provenance.currency->code == "CNY");
    CHECK(planner::specs::to_json(a.unit_price("CN"))["currency"]["per_usd"] == 6.9843);
    auto copy = a;
    copy.scale_unit_prices(0.5);
    CHECK(copy.unit_price("CN").value == 13602);
    CHECK(copy.unit_price("US").value == 15000);
    copy.set_unit_prices(1000);
    CHECK((copy.unit_price("CN").value == 1000 && copy.unit_price("DE").value == 1000));
  }

  TEST_CASE("bad: a converted value that is not amount / per_usd, a country that is not one, a USD 'currency'") {
    auto doc = valid_accelerator();
    auto cn = sourced(30000);
    cn["currency"] = {{"code", "CNY"}, {"amount", 190000}, {"per_usd", 6.9843}, {"date", "2026-01-26"},
                      {"source", "CFETS"}};
    auto usd = sourced(30000);
    usd["currency"] = {{"code", "USD"}, {"amount", 30000}, {"per_usd", 1}, {"date", "2026"}, {"source", "x"}};
    doc["price"]["by_country"] = {{"CN", cn}, {"China", sourced(1)}, {"JP", usd}};
    CHECK(errors_of(doc) ==
          "chip.json: /price/by_country/CN/currency: the value 30000 is not 190000 CNY at 6.9843 per USD (27203.9)\n"
          "chip.json: /price/by_country/China: expected an ISO 3166-1 alpha-2 country code such as \"CN\"\n"
          "chip.json: /price/by_country/JP/currency/code: expected an ISO 4217 code other than USD, such as \"CNY\", "
          "got \"USD\"\n");
  }

  TEST_CASE("bad: a range that does not bracket its value") {
    auto doc = valid_accelerator();
    doc["price"]["unit_usd"]["range"] = {{"low", 35000}, {"high", 40000}};
    CHECK(errors_of(doc) ==
          "chip.json: /price/unit_usd/range: the value 30000 lies outside its range [35000, 40000]\n");
  }

  TEST_CASE("bad: a range whose low is above its high") {
    auto doc = valid_accelerator();
    doc["price"]["unit_usd"]["range"] = {{"low", 40000}, {"high", 25000}};
    CHECK(errors_of(doc) == "chip.json: /price/unit_usd/range: low 40000 is above high 25000\n");
  }

  TEST_CASE("bad: a range bound outside the value's plausible range, missing, or misnamed") {
    auto doc = valid_site_table();
    doc["sites"][0]["pue"]["range"] = {{"low", 0.9}, {"high", 1.4}};
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/0/pue/range/low: 0.9 is out of range: expected a value in [1, 3]\n");
    doc["sites"][0]["pue"]["range"] = {{"low", 1.1}, {"hihg", 1.4}};
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/0/pue/range/high: required key is missing\n"
          "sites.json: /sites/0/pue/range/hihg: unknown key (did you mean \"high\"?)\n");
    doc["sites"][0]["pue"]["range"] = Json::array({1.1, 1.4});
    CHECK(errors_of(doc, "sites.json") == "sites.json: /sites/0/pue/range: expected an object, got an array\n");
  }

  TEST_CASE("subsidies keep their scope") {
    const auto loaded = load({{"sites.json", valid_site_table().dump()}}, {"sites.json"});
    CHECK(loaded.diagnostics.str() == "");
    const auto* west = loaded.catalog.find_site("test-west");
    const auto* east = loaded.catalog.find_site("test-east");
    REQUIRE(west != nullptr);
    REQUIRE(east != nullptr);
    REQUIRE(west->subsidies.size() == 1);
    CHECK(west->subsidies[0].applies_to == planner::specs::SubsidyScope::domestic_chips);
    CHECK(west->subsidies[0].fraction.value == 0.5);
    CHECK(west->subsidies[0].note == "half the bill back");
    REQUIRE(east->subsidies.size() == 1);
    CHECK(east->subsidies[0].applies_to == planner::specs::SubsidyScope::all);
    CHECK(east->country == "US");
    CHECK(east->pue.value == 1.2);
  }

  TEST_CASE("a system may name an accelerator from another data path") {
    const auto loaded = load({{"bundled/accelerators/test-chip.json", valid_accelerator().dump()},
                              {"user/systems/test-node.json", valid_system().dump()}},
                             {"bundled", "user"});
    CHECK(loaded.diagnostics.str() == "");
    CHECK(loaded.catalog.systems.size() == 1);
  }

  TEST_CASE("ids: lower-case letters, digits, '-', '.' and '_', not leading punctuation, at most 64") {
    using planner::specs::is_valid_id;
    CHECK(is_valid_id("h100-sxm"));
    CHECK(is_valid_id("a100-sxm-80gb"));
    CHECK(is_valid_id("v5e.pod_1"));
    CHECK(is_valid_id(std::string(64, 'a')));
    CHECK_FALSE(is_valid_id(std::string(65, 'a')));
    CHECK_FALSE(is_valid_id(""));
    CHECK_FALSE(is_valid_id("-h100"));
    CHECK_FALSE(is_valid_id("H100"));
    CHECK_FALSE(is_valid_id("h100 sxm"));
    CHECK_FALSE(is_valid_id("h100/sxm"));
  }

  TEST_CASE("dates: YYYY, YYYY-MM or YYYY-MM-DD with a plausible month and day") {
    using planner::specs::is_date;
    CHECK(is_date("2024"));
    CHECK(is_date("2024-03"));
    CHECK(is_date("2024-03-15"));
    CHECK(is_date("2024-12-31"));
    CHECK_FALSE(is_date("2024-13"));
    CHECK_FALSE(is_date("2024-00"));
    CHECK_FALSE(is_date("2024-03-32"));
    CHECK_FALSE(is_date("2024-03-00"));
    CHECK_FALSE(is_date("2024-3"));
    CHECK_FALSE(is_date("24"));
    CHECK_FALSE(is_date("March 2024"));
    CHECK_FALSE(is_date("2024/03"));
    CHECK_FALSE(is_date("2024-03-15T10"));
    CHECK_FALSE(is_date(""));
  }

  // ---- bad inputs, one per case, messages word for word --------------------

  TEST_CASE("bad: a word where a number belongs") {
    auto doc = valid_accelerator();
    doc["memory"]["hbm_tbps"]["value"] = "fast";
    CHECK(errors_of(doc) == "chip.json: /memory/hbm_tbps/value: expected a number, got \"fast\"\n");
  }

  TEST_CASE("bad: a word where a sourced value belongs") {
    auto doc = valid_accelerator();
    doc["memory"]["hbm_tbps"] = "fast";
    CHECK(errors_of(doc) == "chip.json: /memory/hbm_tbps: " + kNotSourced + "\"fast\"\n");
  }

  TEST_CASE("bad: a bare number instead of a sourced value") {
    auto doc = valid_accelerator();
    doc["power"]["tdp_w"] = 700;
    CHECK(errors_of(doc) == "chip.json: /power/tdp_w: " + kNotSourced + "700\n");
  }

  TEST_CASE("bad: a value with neither source nor estimate") {
    auto doc = valid_accelerator();
    doc["memory"]["hbm_gb"] = {{"value", 80}};
    CHECK(errors_of(doc) == "chip.json: /memory/hbm_gb: " + kNeedsSource + "\n");
  }

  TEST_CASE("bad: a value with both source and estimate") {
    auto doc = valid_accelerator();
    doc["memory"]["hbm_gb"]["estimate"] = "guessed";
    CHECK(errors_of(doc) ==
          "chip.json: /memory/hbm_gb: has both \"source\" and \"estimate\"; keep the one that is true\n");
  }

  TEST_CASE("bad: a source without a date") {
    auto doc = valid_accelerator();
    doc["compute"]["bf16_tflops"].erase("date");
    CHECK(errors_of(doc) == "chip.json: /compute/bf16_tflops/date: required key is missing\n");
  }

  TEST_CASE("an estimate needs no date") {
    auto doc = valid_accelerator();
    doc["compute"]["bf16_tflops"] = estimated(989.4);
    CHECK(errors_of(doc) == "");
  }

  TEST_CASE("bad: dates that are not YYYY, YYYY-MM or YYYY-MM-DD") {
    auto doc = valid_accelerator();
    doc["compute"]["bf16_tflops"]["date"] = "2024-13";
    doc["compute"]["fp16_tflops"]["date"] = "March 2024";
    doc["compute"]["fp8_tflops"]["date"] = 2024;
    CHECK(errors_of(doc) ==
          "chip.json: /compute/bf16_tflops/date: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"2024-13\"\n"
          "chip.json: /compute/fp16_tflops/date: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"March 2024\"\n"
          "chip.json: /compute/fp8_tflops/date: expected a string, got 2024\n");
  }

  TEST_CASE("bad: a zero TDP") {
    auto doc = valid_accelerator();
    doc["power"]["tdp_w"]["value"] = 0;
    CHECK(errors_of(doc) == "chip.json: /power/tdp_w/value: 0 is out of range: expected a value in [1, 5000]\n");
  }

  TEST_CASE("bad: a negative TDP") {
    auto doc = valid_accelerator();
    doc["power"]["tdp_w"]["value"] = -700;
    CHECK(errors_of(doc) == "chip.json: /power/tdp_w/value: -700 is out of range: expected a value in [1, 5000]\n");
  }

  TEST_CASE("bad: a 10 MW chip") {
    auto doc = valid_accelerator();
    doc["power"]["tdp_w"]["value"] = 1e7;
    CHECK(errors_of(doc) ==
          "chip.json: /power/tdp_w/value: 10000000 is out of range: expected a value in [1, 5000]\n");
  }

  TEST_CASE("bad: zero TFLOPS is outside the open interval") {
    auto doc = valid_accelerator();
    doc["compute"]["fp16_tflops"]["value"] = 0;
    CHECK(errors_of(doc) ==
          "chip.json: /compute/fp16_tflops/value: 0 is out of range: expected a value in (0, 100000]\n");
  }

  TEST_CASE("bad: HBM bandwidth given in GB/s instead of TB/s") {
    auto doc = valid_accelerator();
    doc["memory"]["hbm_tbps"]["value"] = 3350;
    CHECK(errors_of(doc) ==
          "chip.json: /memory/hbm_tbps/value: 3350 is out of range: expected a value in (0, 100]\n");
  }

  TEST_CASE("bad: a PUE below 1") {
    auto doc = valid_site_table();
    doc["sites"][0]["pue"]["value"] = 0.5;
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/0/pue/value: 0.5 is out of range: expected a value in [1, 3]\n");
  }

  TEST_CASE("bad: a subsidy refunding 150% of the bill") {
    auto doc = valid_site_table();
    doc["sites"][0]["subsidies"][0]["fraction"]["value"] = 1.5;
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/0/subsidies/0/fraction/value: 1.5 is out of range: expected a value in [0, 1]\n");
  }

  TEST_CASE("bad: a subsidy scope that is not one of the two") {
    auto doc = valid_site_table();
    doc["sites"][1]["subsidies"][0]["applies_to"] = "domestic";
    doc["sites"][1]["subsidies"][0]["kind"] = "tax_break";
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/1/subsidies/0/kind: expected one of \"power_bill_refund\", got \"tax_break\"\n"
          "sites.json: /sites/1/subsidies/0/applies_to: expected one of \"domestic_chips\", \"all\", got "
          "\"domestic\" (did you mean \"domestic_chips\"?)\n");
  }

  TEST_CASE("bad: electricity priced per MWh") {
    auto doc = valid_site_table();
    doc["sites"][1]["electricity_usd_per_kwh"]["value"] = 50;
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/1/electricity_usd_per_kwh/value: 50 is out of range: expected a value in [0.001, 2]\n");
  }

  TEST_CASE("bad: a misspelt key is unknown and the real one missing") {
    auto doc = valid_accelerator();
    doc["memory"]["hbm_tbs"] = doc["memory"]["hbm_tbps"];
    doc["memory"].erase("hbm_tbps");
    CHECK(errors_of(doc) ==
          "chip.json: /memory/hbm_tbps: required key is missing\n"
          "chip.json: /memory/hbm_tbs: unknown key (did you mean \"hbm_tbps\"?)\n");
  }

  TEST_CASE("bad: an unknown key at the top level and inside a sourced value") {
    auto doc = valid_accelerator();
    doc["nots"] = "typo";
    doc["power"]["tdp_w"]["sorce"] = "typo";
    doc["power"]["tdp_w"]["color"] = "blue";
    CHECK(errors_of(doc) ==
          "chip.json: /power/tdp_w/color: unknown key\n"
          "chip.json: /power/tdp_w/sorce: unknown key (did you mean \"source\"?)\n"
          "chip.json: /nots: unknown key (did you mean \"notes\"?)\n");
  }

  TEST_CASE("bad: a missing required key") {
    auto doc = valid_accelerator();
    doc.erase("name");
    CHECK(errors_of(doc) == "chip.json: /name: required key is missing\n");
  }

  TEST_CASE("bad: a missing required block") {
    auto doc = valid_accelerator();
    doc.erase("memory");
    CHECK(errors_of(doc) == "chip.json: /memory: required key is missing\n");
  }

  TEST_CASE("bad: a block that is not an object") {
    auto doc = valid_accelerator();
    doc["compute"] = Json::array({989.4});
    CHECK(errors_of(doc) == "chip.json: /compute: expected an object, got an array\n");
  }

  TEST_CASE("bad: an empty name") {
    auto doc = valid_accelerator();
    doc["name"] = "";
    CHECK(errors_of(doc) == "chip.json: /name: expected a non-empty string\n");
  }

  TEST_CASE("bad: an id with capitals and a space") {
    auto doc = valid_accelerator();
    doc["id"] = "H100 SXM";
    CHECK(errors_of(doc) ==
          "chip.json: /id: expected an id of lower-case letters, digits, '-', '.' or '_' (at most 64), got "
          "\"H100 SXM\"\n");
  }

  TEST_CASE("bad: an id that is too long") {
    auto doc = valid_accelerator();
    doc["id"] = std::string(65, 'x');
    CHECK(errors_of(doc) ==
          "chip.json: /id: expected an id of lower-case letters, digits, '-', '.' or '_' (at most 64), got \"" +
              std::string(65, 'x') + "\"\n");
  }

  TEST_CASE("bad: a three-letter country code") {
    auto doc = valid_accelerator();
    doc["origin_country"] = "USA";
    CHECK(errors_of(doc) ==
          "chip.json: /origin_country: expected an ISO 3166-1 alpha-2 country code such as \"US\" or \"CN\", got "
          "\"USA\"\n");
  }

  TEST_CASE("bad: a lower-case or unassigned site country code") {
    auto doc = valid_site_table();
    doc["sites"][0]["country"] = "cn";
    doc["sites"][1]["country"] = "XX";
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/0/country: expected an ISO 3166-1 alpha-2 country code such as \"US\" or \"CN\", got "
          "\"cn\"\n"
          "sites.json: /sites/1/country: expected an ISO 3166-1 alpha-2 country code such as \"US\" or \"CN\", got "
          "\"XX\"\n");
  }

  TEST_CASE("bad: a system file in the accelerators folder") {
    const auto loaded = load({{"data/accelerators/node.json", valid_system().dump()}}, {"data"});
    CHECK(loaded.diagnostics.str() ==
          "data/accelerators/node.json: /kind: expected \"accelerator\" for a file in this folder, got \"system\"\n");
    CHECK(loaded.catalog.systems.empty());
  }

  TEST_CASE("bad: an unknown kind gets a hint") {
    auto doc = valid_accelerator();
    doc["kind"] = "acelerator";
    CHECK(errors_of(doc) ==
          "chip.json: /kind: expected \"accelerator\", \"system\", \"site_table\", \"model_constants\" or \"cost_model\", got "
          "\"acelerator\" (did you mean \"accelerator\"?)\n");
  }

  TEST_CASE("bad: no kind, or a kind that is not a string") {
    auto doc = valid_accelerator();
    doc.erase("kind");
    CHECK(errors_of(doc) == "chip.json: /kind: required key is missing\n");
    doc["kind"] = 1;
    CHECK(errors_of(doc) == "chip.json: /kind: expected a string, got 1\n");
  }

  TEST_CASE("bad: the same accelerator id in two files names both") {
    const auto loaded = load({{"data/accelerators/a.json", valid_accelerator().dump()},
                              {"data/accelerators/b.json", valid_accelerator().dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.str() ==
          "data/accelerators/b.json: /id: duplicate accelerator id \"test-chip\", also defined in "
          "data/accelerators/a.json; ids must be unique across all data files (use --no-bundled to replace the "
          "bundled data)\n");
  }

  TEST_CASE("bad: a duplicate across data paths is reported on the later one") {
    const auto loaded = load({{"bundled/accelerators/x.json", valid_accelerator().dump()},
                              {"mine.json", valid_accelerator().dump()}},
                             {"bundled", "mine.json"});
    CHECK(loaded.diagnostics.str() ==
          "mine.json: /id: duplicate accelerator id \"test-chip\", also defined in bundled/accelerators/x.json; ids "
          "must be unique across all data files (use --no-bundled to replace the bundled data)\n");
  }

  TEST_CASE("bad: a system id that is already an accelerator id") {
    const auto loaded = load({{"data/accelerators/a.json", valid_accelerator().dump()},
                              {"data/systems/s.json", valid_system("test-chip").dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.str() ==
          "data/systems/s.json: /id: duplicate system id \"test-chip\", also defined in data/accelerators/a.json; "
          "ids must be unique across all data files (use --no-bundled to replace the bundled data)\n");
  }

  TEST_CASE("bad: two sites with one id") {
    auto doc = valid_site_table();
    doc["sites"][1]["id"] = "test-west";
    CHECK(errors_of(doc, "sites.json") ==
          "sites.json: /sites/1/id: duplicate site id \"test-west\", also defined in sites.json; ids must be unique "
          "across all data files (use --no-bundled to replace the bundled data)\n");
  }

  TEST_CASE("bad: a system naming an unknown accelerator gets a hint") {
    const auto loaded = load({{"data/accelerators/a.json", valid_accelerator().dump()},
                              {"data/systems/s.json", valid_system("test-node", "test-chp").dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.str() ==
          "data/systems/s.json: /accelerator: unknown accelerator \"test-chp\" (did you mean \"test-chip\"?)\n");
  }

  TEST_CASE("bad: a system naming an abbreviated accelerator id") {
    const auto loaded = load({{"data/accelerators/a.json", valid_accelerator().dump()},
                              {"data/systems/s.json", valid_system("test-node", "test").dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.str() ==
          "data/systems/s.json: /accelerator: unknown accelerator \"test\" (did you mean \"test-chip\"?)\n");
  }

  TEST_CASE("bad: system counts that are not whole or not positive") {
    auto doc = valid_system();
    doc["chips_per_system"] = 8.5;
    doc["scale_up_domain_chips"] = 0;
    const auto loaded =
        load({{"a.json", valid_accelerator().dump()}, {"s.json", doc.dump()}}, {"a.json", "s.json"});
    CHECK(loaded.diagnostics.str() ==
          "s.json: /chips_per_system: expected a whole number, got 8.5\n"
          "s.json: /scale_up_domain_chips: 0 is out of range: expected a value in [1, 100000]\n");
  }

  TEST_CASE("bad: a published TPP that does not match the spec sheet") {
    auto doc = valid_accelerator();
    doc["export_control"]["tpp_published"]["value"] = 20000;
    CHECK(errors_of(doc) ==
          "chip.json: /export_control/tpp_published: published TPP 20000 differs from the computed 15832 (dense "
          "TOPS x bit length, maximum over precisions) by more than 2%\n");
  }

  TEST_CASE("bad: an alternative without a source") {
    auto doc = valid_accelerator();
    doc["price"]["unit_usd"]["alternatives"] = Json::array({{{"value", 25000}, {"date", "2025"}}});
    CHECK(errors_of(doc) == "chip.json: /price/unit_usd/alternatives/0/source: required key is missing\n");
  }

  TEST_CASE("bad: several problems in one file are all reported, in reading order") {
    auto doc = valid_accelerator();
    doc["id"] = "Bad_ID";
    doc["origin_country"] = "America";
    doc["compute"]["bf16_tflops"] = 989.4;
    doc["memory"]["hbm_gb"]["value"] = -80;
    doc["power"]["tdp_w"]["date"] = "yesterday";
    doc["export_control"]["tpp_published"]["value"] = 1;
    doc["colour"] = "green";
    const auto loaded = load({{"chip.json", doc.dump()}}, {"chip.json"});
    CHECK(loaded.diagnostics.size() == 6);
    CHECK(loaded.diagnostics.str() ==
          "chip.json: /id: expected an id of lower-case letters, digits, '-', '.' or '_' (at most 64), got "
          "\"Bad_ID\"\n"
          "chip.json: /origin_country: expected an ISO 3166-1 alpha-2 country code such as \"US\" or \"CN\", got "
          "\"America\"\n"
          "chip.json: /compute/bf16_tflops: " +
              kNotSourced +
              "989.4\n"
              "chip.json: /memory/hbm_gb/value: -80 is out of range: expected a value in (0, 4096]\n"
              "chip.json: /power/tdp_w/date: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"yesterday\"\n"
              "chip.json: /colour: unknown key\n");
    CHECK(loaded.catalog.accelerators.empty());
  }

  TEST_CASE("bad: one bad site drops the table but every problem is reported") {
    auto doc = valid_site_table();
    doc["sites"][0].erase("pue");
    doc["sites"][1]["power_available_mw"]["value"] = 0;
    doc["sites"].push_back(5);
    const auto loaded = load({{"sites.json", doc.dump()}}, {"sites.json"});
    CHECK(loaded.diagnostics.str() ==
          "sites.json: /sites/0/pue: required key is missing\n"
          "sites.json: /sites/1/power_available_mw/value: 0 is out of range: expected a value in (0, 100000]\n"
          "sites.json: /sites/2: expected an object, got 5\n");
    CHECK(loaded.catalog.sites.empty());
  }

  TEST_CASE("bad: an empty sites array") {
    const Json doc = {{"kind", "site_table"}, {"sites", Json::array()}};
    CHECK(errors_of(doc, "sites.json") == "sites.json: /sites: expected at least one site\n");
  }

  TEST_CASE("bad: sites that are not an array") {
    const Json doc = {{"kind", "site_table"}, {"sites", {{"id", "x"}}}};
    CHECK(errors_of(doc, "sites.json") == "sites.json: /sites: expected an array, got an object\n");
  }

  TEST_CASE("bad: a top level that is not an object") {
    CHECK(errors_of_text("[1, 2]") == "chip.json: expected a JSON object at the top level, got an array\n");
    CHECK(errors_of_text("\"accelerator\"") ==
          "chip.json: expected a JSON object at the top level, got \"accelerator\"\n");
    CHECK(errors_of_text("42") == "chip.json: expected a JSON object at the top level, got 42\n");
  }

  TEST_CASE("bad: an empty file") {
    CHECK(errors_of_text("") == "chip.json: file is empty, expected a JSON object\n");
  }

  TEST_CASE("bad: JSON cut short") {
    CHECK(errors_of_text("{\"kind\": \"accelerator\",") ==
          "chip.json: invalid JSON: parse error at line 1, column 24: syntax error while parsing object key - "
          "unexpected end of input; expected string literal\n");
  }

  TEST_CASE("bad: a duplicate key in a data file") {
    CHECK(errors_of_text(R"({"kind": "accelerator", "memory": {"hbm_gb": 1, "hbm_gb": 2}})") ==
          "chip.json: /memory/hbm_gb: duplicate key; each key may appear once in an object\n");
  }

  TEST_CASE("bad: a directory given where a file is expected") {
    MemoryFileSystem fs;
    fs.add("data/accelerators/a.json", valid_accelerator().dump());
    Catalog catalog;
    Diagnostics diagnostics;
    planner::specs::load_spec_file(fs, "data/accelerators", "", catalog, diagnostics);
    CHECK(diagnostics.str() == "data/accelerators: is a directory, expected a JSON file\n");
  }

  TEST_CASE("bad: a directory not laid out like hw_specs/") {
    const auto loaded = load({{"data/chips/a.json", valid_accelerator().dump()}}, {"data"});
    CHECK(loaded.diagnostics.str() ==
          "data: no accelerators/, systems/ or sites/ folder here; a data directory is laid out like hw_specs/, or "
          "name single JSON files instead\n");
  }

  TEST_CASE("bad: a path that does not exist") {
    const auto loaded = load({{"chip.json", valid_accelerator().dump()}}, {"nowhere.json", "chip.json"});
    CHECK(loaded.diagnostics.str() == "nowhere.json: no such file or directory\n");
    CHECK(loaded.catalog.accelerators.size() == 1);
  }

  TEST_CASE("files beside a bad one still load") {
    auto bad = valid_accelerator("bad-chip");
    bad["power"]["tdp_w"]["value"] = 0;
    const auto loaded = load({{"data/accelerators/a.json", bad.dump()},
                              {"data/accelerators/b.json", valid_accelerator("good-chip").dump()}},
                             {"data"});
    CHECK(loaded.diagnostics.size() == 1);
    CHECK(loaded.catalog.accelerator_ids() == std::vector<std::string>{"good-chip"});
  }
}
