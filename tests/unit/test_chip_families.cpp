// Chip families in the model constants: a constant measured on one member
// applies to the family, a chip's own override wins, the default is last.

#include <string>

#include <doctest/doctest.h>

#include "specs/catalog.h"
#include "specs/constants.h"
#include "util/file_system.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

util::Json constants_doc() {
  util::Json d = {{"kind", "model_constants"}, {"defaults", util::Json::object()}};
  for (const auto& info : specs::constant_table())
    d["defaults"][std::string(info.key)] = {{"value", info.range.min > 0 ? info.range.min : 0.001}, {"estimate", "test"}};
  d["defaults"]["matmul_efficiency"]["value"] = 0.75;
  d["families"] = {{"cdna", {{"chips", {"mi300x", "mi355x"}},
                             {"serving_cases", {"case-a"}},
                             {"matmul_efficiency", {{"value", 0.45}, {"estimate", "family"}}}}},
                   {"other", {{"chips", {"h100-sxm"}}}}};
  d["chips"] = {{"mi355x", {{"matmul_efficiency", {{"value", 0.6}, {"estimate", "chip"}}}}}};
  return d;
}

}  // namespace

TEST_SUITE("specs::families") {
  TEST_CASE("a chip's override wins over its family's, the family's over the default") {
    util::Diagnostics diagnostics;
    const auto k = specs::read_model_constants(constants_doc(), "k.json", diagnostics);
    REQUIRE_MESSAGE(k, diagnostics.str());
    CHECK(k->value(specs::Constant::matmul_efficiency, "mi355x") == 0.6);
    CHECK(k->value(specs::Constant::matmul_efficiency, "mi300x") == 0.45);
    CHECK(k->value(specs::Constant::matmul_efficiency, "h100-sxm") == 0.75);
    CHECK(k->value(specs::Constant::matmul_efficiency, "unknown-chip") == 0.75);
    CHECK(k->family_of("mi300x")->id == "cdna");
    CHECK(k->family_of("unknown-chip") == nullptr);
    CHECK(k->serving_measurement("mi300x") == "family cdna: serving checked on case-a");
    CHECK(k->serving_measurement("h100-sxm").find("no published serving run") != std::string::npos);
  }

  TEST_CASE("a chip in two families is an error naming both") {
    auto doc = constants_doc();
    doc["families"]["other"]["chips"] = {"h100-sxm", "mi300x"};
    util::Diagnostics diagnostics;
    CHECK_FALSE(specs::read_model_constants(doc, "k.json", diagnostics));
    CHECK(diagnostics.str().find("chip \"mi300x\" is already in family \"cdna\"") != std::string::npos);
  }

  TEST_CASE("the bundled data gives every bundled accelerator a family; the MI355X gets the ROCm derate") {
    util::RealFileSystem fs;
    util::Diagnostics diagnostics;
    const auto catalog = specs::load_catalog(fs, {kRoot + "/hw_specs"}, diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), diagnostics.str());
    for (const auto& a : catalog.accelerators) CHECK_MESSAGE(catalog.constants->family_of(a.id), a.id);
    CHECK(catalog.constants->value(specs::Constant::matmul_efficiency, "mi355x") ==
          catalog.constants->value(specs::Constant::matmul_efficiency, "mi300x"));
  }
}
