// The bundled hw_specs/: it loads without a problem, holds the chips, systems
// and sites the planner is calibrated on, and its numbers reproduce the
// export-control facts that follow from the spec sheets. A mistyped figure
// (a TFLOPS off by a digit, HBM bandwidth in GB/s) fails one of these.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "specs/catalog.h"
#include "util/file_system.h"

using planner::specs::Accelerator;
using planner::specs::Catalog;

namespace {

const std::string kBundledDir = std::string(CLUSTERPLAN_SOURCE_DIR) + "/hw_specs";

struct Bundled {
  Catalog catalog;
  std::string problems;
};

const Bundled& bundled() {
  static const Bundled loaded = [] {
    planner::util::RealFileSystem fs;
    planner::util::Diagnostics diagnostics;
    Bundled out;
    out.catalog = planner::specs::load_catalog(fs, {kBundledDir}, diagnostics);
    out.problems = diagnostics.str();
    return out;
  }();
  return loaded;
}

const Accelerator& chip(const std::string& id) {
  const auto* a = bundled().catalog.find_accelerator(id);
  if (!a) FAIL("no bundled accelerator " << id);
  return *a;
}

// HBM bandwidth in GB/s; the files state TB/s.
double hbm_gbytes_per_s(const Accelerator& a) { return a.hbm_tbps.value * 1000; }

// BIS ECCN 3A090.a: TPP >= 4,800 is controlled.
constexpr double kControlledTpp = 4800;

}  // namespace

TEST_SUITE("bundled hw_specs") {
  TEST_CASE("the bundled data loads without a problem") {
    CHECK(bundled().problems == "");
    CHECK_FALSE(bundled().catalog.accelerators.empty());
  }

  TEST_CASE("every estimated number in hw_specs carries a range around its value") {
    // The brief: an estimate mark with its reasoning and a range. Walks the
    // raw files, so a field the loaders do not know yet is covered too.
    std::vector<std::string> missing;
    std::size_t estimates = 0;
    const auto walk = [&](const auto& self, const nlohmann::json& node, const std::string& where) -> void {
      if (node.is_object()) {
        if (node.contains("estimate") && node.contains("value") && node["value"].is_number()) {
          ++estimates;
          const auto range = node.find("range");
          if (range == node.end()) missing.push_back(where);
          else
            CHECK_MESSAGE((range->at("low") <= node["value"] && node["value"] <= range->at("high")), where);
        }
        for (const auto& [key, child] : node.items()) self(self, child, where + "/" + key);
      } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) self(self, node[i], where + "/" + std::to_string(i));
      }
    };
    for (const auto& entry : std::filesystem::recursive_directory_iterator(kBundledDir)) {
      if (entry.path().extension() != ".json") continue;
      std::ifstream in(entry.path());
      walk(walk, nlohmann::json::parse(in), entry.path().lexically_relative(kBundledDir).string() + ":");
    }
    CHECK(estimates > 50);
    std::string list;
    for (const auto& m : missing) list += m + "\n";
    CHECK_MESSAGE(missing.empty(), "estimates without a range:\n" << list);
  }

  TEST_CASE("the twelve calibrated accelerators are there") {
    const auto ids = bundled().catalog.accelerator_ids();
    for (const char* id : {"a100-sxm-80gb", "h100-sxm", "h800-sxm", "h20", "h200-sxm", "b200", "gb200", "mi300x",
                           "mi325x", "mi355x", "ascend-910b", "ascend-910c"}) {
      CAPTURE(id);
      CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
    }
  }

  TEST_CASE("each accelerator was loaded from a file named after its id") {
    for (const auto& a : bundled().catalog.accelerators) {
      CAPTURE(a.id);
      CHECK(a.file.ends_with("/accelerators/" + a.id + ".json"));
    }
  }

  TEST_CASE("each system was loaded from a file named after its id") {
    for (const auto& s : bundled().catalog.systems) {
      CAPTURE(s.id);
      CHECK(s.file.ends_with("/systems/" + s.id + ".json"));
    }
  }

  TEST_CASE("designers: NVIDIA and AMD chips are US, Ascend chips are CN") {
    for (const char* id : {"a100-sxm-80gb", "h100-sxm", "h800-sxm", "h20", "h200-sxm", "b200", "gb200", "mi300x",
                           "mi325x", "mi355x"}) {
      CAPTURE(id);
      CHECK(chip(id).origin_country == "US");
    }
    CHECK(chip("ascend-910b").origin_country == "CN");
    CHECK(chip("ascend-910c").origin_country == "CN");
  }

  TEST_CASE("the HGX H200 and CloudMatrix 384 systems are there") {
    const auto& catalog = bundled().catalog;
    const auto* hgx = catalog.find_system("hgx-h200-8");
    REQUIRE(hgx != nullptr);
    CHECK(hgx->accelerator == "h200-sxm");
    CHECK(hgx->chips_per_system == 8);
    CHECK(hgx->scale_up_domain_chips == 8);

    const auto* cm = catalog.find_system("cloudmatrix-384");
    REQUIRE(cm != nullptr);
    CHECK(cm->accelerator == "ascend-910c");
    CHECK(cm->chips_per_system == 384);
    CHECK(cm->scale_up_domain_chips == 384);
  }

  TEST_CASE("every system's accelerator exists and its domain fits in the system") {
    const auto& catalog = bundled().catalog;
    CHECK(catalog.systems.size() >= 2);
    for (const auto& s : catalog.systems) {
      CAPTURE(s.id);
      CHECK(catalog.find_accelerator(s.accelerator) != nullptr);
      CHECK(s.scale_up_domain_chips <= s.chips_per_system);
    }
  }

  TEST_CASE("at least 14 sites across the countries the planner compares") {
    const auto& sites = bundled().catalog.sites;
    CHECK(sites.size() >= 14);
    std::set<std::string> countries;
    for (const auto& s : sites) countries.insert(s.country);
    for (const char* country : {"US", "CN", "JP", "SG", "MY", "ID", "AU", "DE", "FR"}) {
      CAPTURE(country);
      CHECK(countries.count(country) == 1);
    }
    CHECK((countries.count("SA") == 1 || countries.count("AE") == 1));
  }

  TEST_CASE("subsidies at western Chinese sites refund power only for domestic chips") {
    // The East-Data-West-Computing hubs and their neighbours.
    const std::set<std::string> western = {"Inner Mongolia", "Guizhou", "Gansu", "Ningxia", "Qinghai",
                                           "Xinjiang", "Sichuan", "Chongqing", "Yunnan", "Tibet",
                                           "Shaanxi", "Guangxi"};
    int subsidised = 0;
    for (const auto& s : bundled().catalog.sites) {
      if (s.country != "CN" || !western.count(s.region)) continue;
      for (const auto& sub : s.subsidies) {
        CAPTURE(s.id);
        CHECK(sub.applies_to == planner::specs::SubsidyScope::domestic_chips);
        CHECK(sub.fraction.value > 0);
        CHECK(sub.fraction.value < 1);
        ++subsidised;
      }
    }
    // cn-gansu at least carries one; a dropped subsidies block would pass the loop above.
    CHECK(subsidised >= 1);
    const auto* gansu = bundled().catalog.find_site("cn-gansu");
    REQUIRE(gansu != nullptr);
    CHECK_FALSE(gansu->subsidies.empty());
  }

  TEST_CASE("H100 TPP is 15,832 within 1% and controlled") {
    CHECK(chip("h100-sxm").tpp() == doctest::Approx(15832).epsilon(0.01));
    CHECK(chip("h100-sxm").tpp() >= kControlledTpp);
  }

  TEST_CASE("H20 was cut below the 4,800 TPP line") {
    CHECK(chip("h20").tpp() < kControlledTpp);
    CHECK(chip("h20").tpp() > 0);
  }

  TEST_CASE("H200 and MI325X sit under TPP 21,000 and 6,500 GB/s of HBM") {
    for (const char* id : {"h200-sxm", "mi325x"}) {
      CAPTURE(id);
      const auto& a = chip(id);
      CHECK(a.tpp() < 21000);
      CHECK(a.tpp() >= kControlledTpp);
      CHECK(hbm_gbytes_per_s(a) < 6500);
    }
  }

  TEST_CASE("B200 is above TPP 21,000") {
    CHECK(chip("b200").tpp() > 21000);
  }

  TEST_CASE("H800 keeps the H100's compute") {
    CHECK(chip("h800-sxm").tpp() == doctest::Approx(chip("h100-sxm").tpp()).epsilon(0.01));
  }

  TEST_CASE("every chip's units are plausible for its generation") {
    for (const auto& a : bundled().catalog.accelerators) {
      CAPTURE(a.id);
      // FP16 and BF16 run at the same dense rate on every bundled chip.
      CHECK(a.fp16_tflops.value == doctest::Approx(a.bf16_tflops.value).epsilon(0.05));
      // HBM in TB/s and GB: a figure in GB/s or MB lands far outside these.
      CHECK(a.hbm_tbps.value >= 1);
      CHECK(a.hbm_tbps.value <= 20);
      CHECK(a.hbm_gb.value >= 16);
      CHECK(a.hbm_gb.value <= 1024);
      // Dense FP8 and INT8 are twice dense BF16; the sparse figure would be four times.
      if (a.fp8_tflops) CHECK(a.fp8_tflops->value == doctest::Approx(2 * a.bf16_tflops.value).epsilon(0.05));
      if (a.int8_tops) CHECK(a.int8_tops->value == doctest::Approx(2 * a.bf16_tflops.value).epsilon(0.05));
    }
  }
}
