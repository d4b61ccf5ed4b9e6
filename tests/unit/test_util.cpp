// util::spellcheck, util::json_reader, util::diagnostics and report::table:
// the pieces every loader and table builds on. Messages are checked word for word.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "report/table.h"
#include "util/diagnostics.h"
#include "util/json_reader.h"
#include "util/spellcheck.h"

using planner::util::Diagnostics;
using planner::util::Json;
using planner::util::ObjectReader;
using planner::util::Presence;
using planner::util::Range;

namespace {

// Everything parse_json reports for `text` read from "f.json", one line per problem.
std::string parse_errors(const std::string& text) {
  Diagnostics diagnostics;
  const auto parsed = planner::util::parse_json(text, "f.json", diagnostics);
  CHECK(parsed.has_value() == diagnostics.empty());
  return diagnostics.str();
}

}  // namespace

TEST_SUITE("util::spellcheck") {
  TEST_CASE("edit distance counts insertions, deletions and substitutions") {
    using planner::util::edit_distance;
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("same", "same") == 0);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("flaw", "lawn") == 2);
    CHECK(edit_distance("hbm_tbps", "hbm_tbs") == 1);
    // A transposition is two substitutions, not one step.
    CHECK(edit_distance("--fromat", "--format") == 2);
  }

  TEST_CASE("edit distance is symmetric") {
    using planner::util::edit_distance;
    CHECK(edit_distance("origin_country", "orign_contry") == edit_distance("orign_contry", "origin_country"));
    CHECK(edit_distance("a100", "h100-sxm") == edit_distance("h100-sxm", "a100"));
  }

  TEST_CASE("an abbreviated id suggests the shortest id it starts") {
    const std::vector<std::string> ids = {"a100-sxm-80gb", "h100-sxm-long", "h100-sxm", "h200-sxm"};
    CHECK(planner::util::closest_match("h100", ids) == "h100-sxm");
    CHECK(planner::util::did_you_mean("h100", ids) == " (did you mean \"h100-sxm\"?)");
  }

  TEST_CASE("a prefix match wins over a closer edit") {
    // "a100" is one edit from "h100", but a user typing "h100" meant the H100.
    CHECK(planner::util::closest_match("h100", {"a100", "h100-sxm"}) == "h100-sxm");
    CHECK(planner::util::closest_match("h2", {"h200-sxm", "h20"}) == "h20");
  }

  TEST_CASE("a misspelling suggests the nearest candidate") {
    const std::vector<std::string> keys = {"hbm_gb", "hbm_tbps"};
    CHECK(planner::util::closest_match("hbm_tbs", keys) == "hbm_tbps");
    CHECK(planner::util::closest_match("memroy", {"memory", "power", "price"}) == "memory");
  }

  TEST_CASE("ties go to the earliest candidate") {
    CHECK(planner::util::closest_match("ab", {"ax", "ay"}) == "ax");
    CHECK(planner::util::closest_match("ab", {"ay", "ax"}) == "ay");
  }

  TEST_CASE("the allowed distance grows with the word: max(2, length / 3)") {
    // 9 letters: up to 3 edits.
    CHECK(planner::util::closest_match("abcdefghi", {"xyzdefghi"}) == "xyzdefghi");
    CHECK_FALSE(planner::util::closest_match("abcdefghi", {"wxyzefghi"}).has_value());
    // 3 letters: still 2 edits.
    CHECK(planner::util::closest_match("abc", {"xyc"}) == "xyc");
    CHECK_FALSE(planner::util::closest_match("abc", {"xyz"}).has_value());
  }

  TEST_CASE("nothing close gives no hint") {
    const std::vector<std::string> ids = {"h100-sxm", "mi300x"};
    CHECK_FALSE(planner::util::closest_match("nowhere", ids).has_value());
    CHECK(planner::util::did_you_mean("nowhere", ids) == "");
    CHECK(planner::util::did_you_mean("anything", {}) == "");
  }
}

TEST_SUITE("util::json_reader") {
  TEST_CASE("an empty file is reported as empty, not as a parse error") {
    CHECK(parse_errors("") == "f.json: file is empty, expected a JSON object\n");
    CHECK(parse_errors(" \n\t\r\n") == "f.json: file is empty, expected a JSON object\n");
  }

  TEST_CASE("malformed JSON reports nlohmann's position without its exception prefix") {
    CHECK(parse_errors("{\"a\": 1,}") ==
          "f.json: invalid JSON: parse error at line 1, column 9: syntax error while parsing object key - "
          "unexpected '}'; expected string literal\n");
    CHECK(parse_errors("{\"a\": 1\n\"b\": 2}") ==
          "f.json: invalid JSON: parse error at line 2, column 3: syntax error while parsing object - "
          "unexpected string literal; expected '}'\n");
  }

  TEST_CASE("comments are not JSON") {
    CHECK(parse_errors("{\"a\": 1 // one\n}") ==
          "f.json: invalid JSON: parse error at line 1, column 9: syntax error while parsing object - invalid "
          "literal; last read: '1 /'; expected '}'\n");
  }

  TEST_CASE("NaN is not a JSON literal") {
    CHECK(parse_errors("{\"value\": NaN}") ==
          "f.json: invalid JSON: parse error at line 1, column 11: syntax error while parsing value - invalid "
          "literal; last read: '\"value\": N'\n");
  }

  TEST_CASE("a number too large for a double is refused") {
    CHECK(parse_errors("{\"value\": 1e400}") == "f.json: invalid JSON: number overflow parsing '1e400'\n");
  }

  TEST_CASE("a duplicate key is reported with its JSON path") {
    CHECK(parse_errors(R"({"id": "a", "id": "b"})") ==
          "f.json: /id: duplicate key; each key may appear once in an object\n");
    CHECK(parse_errors(R"({"kind": "accelerator", "memory": {"hbm_gb": 1, "hbm_tbps": 2, "hbm_gb": 3}})") ==
          "f.json: /memory/hbm_gb: duplicate key; each key may appear once in an object\n");
  }

  TEST_CASE("a duplicate key inside an array element names the element's index") {
    CHECK(parse_errors(R"({"sites": [{"id": "a"}, {"id": "b", "id": "c"}]})") ==
          "f.json: /sites/1/id: duplicate key; each key may appear once in an object\n");
    // Scalars and nested arrays before the object still count as elements.
    CHECK(parse_errors(R"({"x": [1, [2, 3], "s", {"k": 1, "k": 2}]})") ==
          "f.json: /x/3/k: duplicate key; each key may appear once in an object\n");
  }

  TEST_CASE("the same key in sibling objects is not a duplicate") {
    CHECK(parse_errors(R"({"a": {"value": 1}, "b": {"value": 2}, "c": [{"id": 1}, {"id": 2}]})") == "");
  }

  TEST_CASE("a duplicate key containing '/' or '~' is escaped in the path") {
    CHECK(parse_errors(R"({"a/b~c": 1, "a/b~c": 2})") ==
          "f.json: /a~1b~0c: duplicate key; each key may appear once in an object\n");
  }

  TEST_CASE("only the first duplicate key is reported") {
    CHECK(parse_errors(R"({"a": 1, "a": 2, "b": 1, "b": 2})") ==
          "f.json: /a: duplicate key; each key may appear once in an object\n");
  }

  TEST_CASE("valid JSON parses to the document") {
    Diagnostics diagnostics;
    const auto doc = planner::util::parse_json(R"({"a": [1, 2.5, "x"]})", "f.json", diagnostics);
    REQUIRE(doc.has_value());
    CHECK(diagnostics.empty());
    CHECK((*doc)["a"][1].get<double>() == 2.5);
  }

  TEST_CASE("json_pointer_append escapes '~' as ~0 and '/' as ~1") {
    using planner::util::json_pointer_append;
    CHECK(json_pointer_append("", "memory") == "/memory");
    CHECK(json_pointer_append("/memory", "hbm_tbps") == "/memory/hbm_tbps");
    CHECK(json_pointer_append("", "a/b") == "/a~1b");
    CHECK(json_pointer_append("", "a~b") == "/a~0b");
    // "~1" in a key must not read back as "/": the "~" is escaped first.
    CHECK(json_pointer_append("", "~1") == "/~01");
    CHECK(json_pointer_append("/sites", std::size_t{3}) == "/sites/3");
    CHECK(json_pointer_append("", "") == "/");
  }

  TEST_CASE("format_number gives integers without a point and fractions in shortest form") {
    using planner::util::format_number;
    CHECK(format_number(700) == "700");
    CHECK(format_number(-5) == "-5");
    CHECK(format_number(3.35) == "3.35");
    CHECK(format_number(1e7) == "10000000");
    CHECK(format_number(0.0005) == "0.0005");
    CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
  }

  TEST_CASE("describe_json renders values briefly for messages") {
    using planner::util::describe_json;
    CHECK(describe_json(Json("fast")) == "\"fast\"");
    CHECK(describe_json(Json(700)) == "700");
    CHECK(describe_json(Json(2.5)) == "2.5");
    CHECK(describe_json(Json(true)) == "true");
    CHECK(describe_json(Json(nullptr)) == "null");
    CHECK(describe_json(Json::object()) == "an object");
    CHECK(describe_json(Json::array()) == "an array");
    // Strings longer than 40 characters keep their first 38 and end in "...".
    CHECK(describe_json(Json(std::string(50, 'a'))) == "\"" + std::string(38, 'a') + "...\"");
    CHECK(describe_json(Json(std::string(40, 'a'))) == "\"" + std::string(40, 'a') + "\"");
  }

  TEST_CASE("describe_json never cuts a UTF-8 character in half") {
    // 'a' then 2-byte characters: a cut at byte 39 falls inside one.
    std::string text = "a";
    for (int i = 0; i < 30; ++i) text += "\xc3\xa9";  // é
    const std::string shown = planner::util::describe_json(Json(text));
    std::string expected = "\"a";
    for (int i = 0; i < 18; ++i) expected += "\xc3\xa9";
    CHECK(shown == expected + "...\"");
    // Must survive being put into JSON output (nlohmann throws on invalid UTF-8).
    CHECK_NOTHROW((void)Json(shown).dump());
  }

  TEST_CASE("ranges print in interval notation") {
    CHECK(Range{1, 5000}.str() == "[1, 5000]");
    CHECK(Range{0, 100, true}.str() == "(0, 100]");
    CHECK(Range{0.001, 2}.str() == "[0.001, 2]");
    CHECK(Range{0, 1e9, true}.str() == "(0, 1000000000]");
  }

  TEST_CASE("ranges include their closed ends and exclude their open end") {
    const Range closed{1, 3};
    CHECK(closed.contains(1));
    CHECK(closed.contains(3));
    CHECK_FALSE(closed.contains(0.999));
    CHECK_FALSE(closed.contains(3.001));
    const Range open{0, 100, true};
    CHECK_FALSE(open.contains(0));
    CHECK(open.contains(1e-9));
    CHECK(open.contains(100));
    CHECK_FALSE(open.contains(std::numeric_limits<double>::infinity()));
    CHECK_FALSE(open.contains(std::numeric_limits<double>::quiet_NaN()));
  }

  TEST_CASE("check_range reports the value and the interval") {
    Diagnostics diagnostics;
    CHECK(planner::util::check_range(5, Range{1, 5000}, "f.json", "/p", diagnostics));
    CHECK_FALSE(planner::util::check_range(1e7, Range{1, 5000}, "f.json", "/power/tdp_w/value", diagnostics));
    CHECK_FALSE(planner::util::check_range(0, Range{0, 100, true}, "f.json", "/x", diagnostics));
    CHECK(diagnostics.str() ==
          "f.json: /power/tdp_w/value: 10000000 is out of range: expected a value in [1, 5000]\n"
          "f.json: /x: 0 is out of range: expected a value in (0, 100]\n");
  }

  TEST_CASE("getters report a wrong type with what they got") {
    const Json doc = {{"s", 5}, {"n", "fast"}, {"i", 2.5}, {"b", "yes"}, {"o", {1, 2}}, {"a", {{"k", 1}}}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "/top", file, diagnostics);
    CHECK_FALSE(r.string("s", Presence::required).has_value());
    CHECK_FALSE(r.number("n", Presence::required, Range{0, 10}).has_value());
    CHECK_FALSE(r.integer("i", Presence::required, Range{0, 10}).has_value());
    CHECK_FALSE(r.boolean("b", Presence::required).has_value());
    CHECK_FALSE(r.object("o", Presence::required).has_value());
    CHECK(r.array("a", Presence::required) == nullptr);
    r.finish();
    CHECK(diagnostics.str() ==
          "f.json: /top/s: expected a string, got 5\n"
          "f.json: /top/n: expected a number, got \"fast\"\n"
          "f.json: /top/i: expected a whole number, got 2.5\n"
          "f.json: /top/b: expected true or false, got \"yes\"\n"
          "f.json: /top/o: expected an object, got an array\n"
          "f.json: /top/a: expected an array, got an object\n");
  }

  TEST_CASE("getters return values of the right type and in range") {
    const Json doc = {{"s", "x"}, {"n", 2.5}, {"i", 8}, {"b", false}, {"a", {1}}, {"o", {{"k", 1}}}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "", file, diagnostics);
    CHECK(r.string("s", Presence::required) == "x");
    CHECK(r.number("n", Presence::required, Range{0, 10}) == 2.5);
    CHECK(r.integer("i", Presence::required, Range{1, 8}) == 8);
    CHECK(r.boolean("b", Presence::required) == false);
    CHECK(r.array("a", Presence::required)->size() == 1);
    auto child = r.object("o", Presence::required);
    REQUIRE(child.has_value());
    CHECK(child->path() == "/o");
    CHECK(child->integer("k", Presence::required, Range{0, 1}) == 1);
    child->finish();
    CHECK_FALSE(r.string("absent", Presence::optional).has_value());
    r.finish();
    CHECK(diagnostics.str() == "");
  }

  TEST_CASE("a whole number given as 8.0 is accepted as an integer") {
    const Json doc = Json::parse(R"({"chips": 8.0})");
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "", file, diagnostics);
    CHECK(r.integer("chips", Presence::required, Range{1, 100}) == 8);
    CHECK(diagnostics.empty());
  }

  TEST_CASE("numbers out of range name the interval") {
    const Json doc = {{"tdp_w", 1e7}, {"pue", 0.5}, {"tflops", 0}, {"chips", 0}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "", file, diagnostics);
    CHECK_FALSE(r.number("tdp_w", Presence::required, Range{1, 5000}).has_value());
    CHECK_FALSE(r.number("pue", Presence::required, Range{1, 3}).has_value());
    CHECK_FALSE(r.number("tflops", Presence::required, Range{0, 100000, true}).has_value());
    CHECK_FALSE(r.integer("chips", Presence::required, Range{1, 100000}).has_value());
    CHECK(diagnostics.str() ==
          "f.json: /tdp_w: 10000000 is out of range: expected a value in [1, 5000]\n"
          "f.json: /pue: 0.5 is out of range: expected a value in [1, 3]\n"
          "f.json: /tflops: 0 is out of range: expected a value in (0, 100000]\n"
          "f.json: /chips: 0 is out of range: expected a value in [1, 100000]\n");
  }

  TEST_CASE("a missing required key is reported, a missing optional one is not") {
    const Json doc = Json::object();
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "/memory", file, diagnostics);
    CHECK_FALSE(r.number("hbm_gb", Presence::required, Range{0, 10}).has_value());
    CHECK_FALSE(r.number("extra", Presence::optional, Range{0, 10}).has_value());
    CHECK(diagnostics.str() == "f.json: /memory/hbm_gb: required key is missing\n");
  }

  TEST_CASE("an empty string is not a value") {
    const Json doc = {{"name", ""}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "", file, diagnostics);
    CHECK_FALSE(r.string("name", Presence::required).has_value());
    CHECK(diagnostics.str() == "f.json: /name: expected a non-empty string\n");
  }

  TEST_CASE("a choice lists the accepted values and suggests the closest") {
    const Json doc = {{"applies_to", "domestic"}, {"kind", "refund"}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "/s", file, diagnostics);
    CHECK_FALSE(r.choice("applies_to", Presence::required, {"domestic_chips", "all"}).has_value());
    CHECK_FALSE(r.choice("kind", Presence::required, {"power_bill_refund"}).has_value());
    CHECK(diagnostics.str() ==
          "f.json: /s/applies_to: expected one of \"domestic_chips\", \"all\", got \"domestic\" (did you mean "
          "\"domestic_chips\"?)\n"
          "f.json: /s/kind: expected one of \"power_bill_refund\", got \"refund\"\n");
  }

  TEST_CASE("a reader over a non-object reports it once and reads as empty") {
    const Json doc = Json::array({1, 2});
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "/sites/0", file, diagnostics);
    CHECK_FALSE(r.valid());
    CHECK_FALSE(r.string("id", Presence::required).has_value());
    r.finish();
    CHECK(diagnostics.str() == "f.json: /sites/0: expected an object, got an array\n");
  }

  TEST_CASE("unknown keys are reported with a did-you-mean hint, in the file's key order") {
    const Json doc = {{"hbm_gb", 80}, {"hbm_tbs", 3.35}, {"zzz", 1}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "/memory", file, diagnostics);
    CHECK(r.number("hbm_gb", Presence::required, Range{0, 100}) == 80);
    CHECK_FALSE(r.number("hbm_tbps", Presence::optional, Range{0, 100}).has_value());
    r.finish();
    CHECK(diagnostics.str() ==
          "f.json: /memory/hbm_tbs: unknown key (did you mean \"hbm_tbps\"?)\n"
          "f.json: /memory/zzz: unknown key\n");
  }

  TEST_CASE("an unknown key containing '/' is escaped in its path") {
    const Json doc = {{"a/b", 1}};
    Diagnostics diagnostics;
    const std::string file = "f.json";
    ObjectReader r(doc, "", file, diagnostics);
    r.finish();
    CHECK(diagnostics.str() == "f.json: /a~1b: unknown key\n");
  }
}

TEST_SUITE("util::diagnostics") {
  TEST_CASE("a diagnostic leaves out the parts that are empty") {
    using planner::util::Diagnostic;
    CHECK(Diagnostic{"f.json", "/id", "bad"}.str() == "f.json: /id: bad");
    CHECK(Diagnostic{"f.json", "", "bad"}.str() == "f.json: bad");
    CHECK(Diagnostic{"", "/id", "bad"}.str() == "/id: bad");
    CHECK(Diagnostic{"", "", "bad"}.str() == "bad");
  }

  TEST_CASE("diagnostics keep their order, one line each") {
    Diagnostics d;
    CHECK(d.empty());
    CHECK(d.str() == "");
    d.error("b.json", "/x", "second file");
    d.error("a.json", "", "first file");
    CHECK(d.size() == 2);
    CHECK(d.str() == "b.json: /x: second file\na.json: first file\n");
  }

  TEST_CASE("InputError carries the diagnostics as its message") {
    Diagnostics d;
    d.error("f.json", "/id", "bad");
    const planner::util::InputError e(d);
    CHECK(std::string(e.what()) == "f.json: /id: bad\n");
    CHECK(e.diagnostics().size() == 1);
  }
}

TEST_SUITE("report::table") {
  TEST_CASE("grouped puts commas every three digits and rounds") {
    using planner::report::grouped;
    CHECK(grouped(0) == "0");
    CHECK(grouped(999) == "999");
    CHECK(grouped(1000) == "1,000");
    CHECK(grouped(1234567.8) == "1,234,568");
    CHECK(grouped(123456) == "123,456");
    CHECK(grouped(15831.2) == "15,831");
    CHECK(grouped(1234.5678, 2) == "1,234.57");
    CHECK(grouped(-1234567, 0) == "-1,234,567");
    CHECK(grouped(-1234.5678, 2) == "-1,234.57");
  }

  TEST_CASE("grouped never prints a negative zero") {
    using planner::report::grouped;
    CHECK(grouped(-0.4) == "0");
    CHECK(grouped(-0.004, 2) == "0.00");
    CHECK(grouped(-0.0) == "0");
  }

  TEST_CASE("non-finite numbers print as n/a") {
    using planner::report::fixed;
    using planner::report::grouped;
    CHECK(grouped(std::numeric_limits<double>::infinity()) == "n/a");
    CHECK(grouped(std::numeric_limits<double>::quiet_NaN()) == "n/a");
    CHECK(fixed(-std::numeric_limits<double>::infinity(), 2) == "n/a");
  }

  TEST_CASE("fixed gives exactly the asked decimals, without grouping") {
    using planner::report::fixed;
    CHECK(fixed(3.35, 2) == "3.35");
    CHECK(fixed(2, 0) == "2");
    CHECK(fixed(1234567.891, 1) == "1234567.9");
    CHECK(fixed(0.125, 3) == "0.125");
    CHECK(fixed(19.4496, 2) == "19.45");
  }

  TEST_CASE("tables right-align numbers, left-align text, two spaces apart, no trailing blanks") {
    planner::report::Table t;
    t.add_column("ID", planner::report::Align::left);
    t.add_column("TPP");
    t.add_column("NOTE", planner::report::Align::left);
    t.add_row({"h100-sxm", "15,831", "x"});
    t.add_row({"h20", "2,368", ""});
    CHECK(t.render() ==
          "ID           TPP  NOTE\n"
          "h100-sxm  15,831  x\n"
          "h20        2,368\n");
    CHECK_FALSE(t.empty());
  }

  TEST_CASE("a short row is padded with empty cells") {
    planner::report::Table t;
    t.add_column("A", planner::report::Align::left);
    t.add_column("B");
    t.add_row({"x"});
    CHECK(t.render() == "A  B\nx\n");
  }

  TEST_CASE("column widths count UTF-8 characters, not bytes") {
    planner::report::Table t;
    t.add_column("CITY", planner::report::Align::left);
    t.add_column("PUE");
    t.add_row({"Z\xc3\xbcrich", "1.2"});  // Zürich: 6 characters, 7 bytes
    t.add_row({"Oslo", "1.10"});
    CHECK(t.render() ==
          "CITY     PUE\n"
          "Z\xc3\xbcrich   1.2\n"
          "Oslo    1.10\n");
  }

  TEST_CASE("a table with no rows renders its header only") {
    planner::report::Table t;
    t.add_column("ID", planner::report::Align::left);
    t.add_column("N");
    CHECK(t.empty());
    CHECK(t.render() == "ID  N\n");
  }
}
