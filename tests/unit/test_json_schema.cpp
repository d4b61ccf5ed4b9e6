// The JSON Schema checker the schema test uses (tests/schema/json_schema.h),
// and the shipped schemas rejecting what they should.

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "../schema/json_schema.h"

using nlohmann::json;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

json read(const std::string& relative) {
  std::ifstream in(kRoot + "/" + relative);
  return json::parse(in);
}

}  // namespace

TEST_SUITE("tests::json_schema") {
  TEST_CASE("types, enums, required, additionalProperties, ranges and patterns are checked") {
    const auto schema = json::parse(R"({
      "type": "object", "required": ["n"], "additionalProperties": false,
      "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9},
                     "e": {"enum": ["a", "b"]}, "s": {"type": "string", "pattern": "^[a-z]+$"},
                     "x": {"type": "number", "exclusiveMinimum": 0},
                     "l": {"type": "array", "minItems": 1, "items": {"type": "string"}}}})");
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 3, "e": "a", "s": "ok", "x": 0.5, "l": ["q"]})")).empty());
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 3.0})")).empty());  // an integral number is an integer
    CHECK(schema_check::validate(schema, json::parse(R"({})")) == std::vector<std::string>{": missing required \"n\""});
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 2.5})")).size() == 1);
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 10})")) == std::vector<std::string>{"/n: above maximum 9"});
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 1, "e": "c"})")).size() == 1);
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 1, "s": "A"})")).size() == 1);
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 1, "x": 0})")).size() == 1);
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 1, "l": []})")).size() == 1);
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 1, "l": [1]})")) ==
          std::vector<std::string>{"/l/0: expected type \"string\", got 1"});
    CHECK(schema_check::validate(schema, json::parse(R"({"n": 1, "zz": 1})")) == std::vector<std::string>{"/zz: not allowed here"});
  }

  TEST_CASE("$ref, oneOf, anyOf, allOf and if/then/else") {
    const auto schema = json::parse(R"({
      "$defs": {"pos": {"type": "number", "minimum": 0}},
      "type": "object",
      "properties": {"a": {"$ref": "#/$defs/pos"}},
      "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
      "if": {"required": ["k"], "properties": {"k": {"const": "t"}}}, "then": {"required": ["t"]}, "else": {"properties": {"t": false}}})");
    CHECK(schema_check::validate(schema, json::parse(R"({"a": 1})")).empty());
    CHECK(schema_check::validate(schema, json::parse(R"({"a": -1})")).size() == 1);
    CHECK(schema_check::validate(schema, json::parse(R"({"a": 1, "b": 1})")).size() == 1);  // both: not exactly one
    CHECK(schema_check::validate(schema, json::parse(R"({"a": 1, "k": "t"})")).size() == 1);  // then: t required
    CHECK(schema_check::validate(schema, json::parse(R"({"a": 1, "k": "t", "t": 0})")).empty());
    CHECK(schema_check::validate(schema, json::parse(R"({"a": 1, "t": 0})")).size() == 1);  // else: t not allowed
  }

  TEST_CASE("keywords outside the subset are reported, so no schema relies on one silently") {
    CHECK(schema_check::unsupported_keywords(json::parse(R"({"properties": {"a": {"format": "date"}}})")) ==
          std::vector<std::string>{"/properties/a/format"});
    CHECK(schema_check::unsupported_keywords(json::parse(R"({"type": "object", "minProperties": 1})")).size() == 1);
  }

  TEST_CASE("the workload schema takes the examples and refuses what the loader refuses") {
    const auto schema = read("schemas/workload.schema.json");
    auto w = read("examples/llama3-8b-pretrain.json");
    CHECK(schema_check::validate(schema, w).empty());
    auto typo = w;
    typo["deadline_day"] = 30;
    CHECK_FALSE(schema_check::validate(schema, typo).empty());
    auto serving_key = w;
    serving_key["output_tokens"] = 10;  // a serving key in a training job
    CHECK_FALSE(schema_check::validate(schema, serving_key).empty());
    auto no_tokens = w;
    no_tokens.erase("tokens");
    CHECK_FALSE(schema_check::validate(schema, no_tokens).empty());
    auto s = read("examples/deepseek-r1-serving.json");
    CHECK(schema_check::validate(schema, s).empty());
    auto both = s;
    both["demand"]["requests_per_s"] = 5;
    CHECK_FALSE(schema_check::validate(schema, both).empty());
    auto no_mla = s;
    no_mla["model"].erase("mla");  // attention "mla" needs the latent ranks
    CHECK_FALSE(schema_check::validate(schema, no_mla).empty());
  }
}
