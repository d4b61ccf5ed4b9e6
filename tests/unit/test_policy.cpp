// policy: the bundled scenarios decide chip x buyer x site country as the
// regulations say (table-driven, every expected verdict written out); caps
// become the constraints the fleet optimizer needs; the loader reports bad
// policy files word for word.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "policy/loader.h"
#include "policy/policy.h"
#include "specs/catalog.h"
#include "util/file_system.h"
#include "util/json_reader.h"

using planner::policy::Buyer;
using planner::policy::CapConstraint;
using planner::policy::PolicySet;
using planner::policy::Scenario;
using planner::policy::Verdict;
using planner::specs::Accelerator;
using planner::specs::Catalog;
using planner::util::Diagnostics;
using planner::util::Json;
using planner::util::MemoryFileSystem;

namespace {

const std::string kBundledDir = std::string(CLUSTERPLAN_SOURCE_DIR) + "/hw_specs";

struct Bundled {
  Catalog catalog;
  PolicySet policies;
  std::string problems;
};

const Bundled& bundled() {
  static const Bundled loaded = [] {
    planner::util::RealFileSystem fs;
    Bundled out;
    Diagnostics catalog_problems;  // test_bundled_data.cpp checks these
    out.catalog = planner::specs::load_catalog(fs, {kBundledDir}, catalog_problems);
    Diagnostics diagnostics;
    out.policies = planner::policy::load_policies(fs, {kBundledDir}, diagnostics);
    planner::policy::check_chip_ids(out.policies, out.catalog.accelerator_ids(), diagnostics);
    out.problems = diagnostics.str();
    return out;
  }();
  return loaded;
}

const Accelerator& chip(const std::string& id) {
  const auto* a = bundled().catalog.find_accelerator(id);
  REQUIRE_MESSAGE(a, "no accelerator " << id);
  return *a;
}

const Scenario& scenario(const std::string& id) {
  const auto* s = bundled().policies.find(id);
  REQUIRE_MESSAGE(s, "no scenario " << id);
  return *s;
}

struct Row {
  const char* scenario;
  const char* chip;
  const char* buyer;
  bool state_funded;
  const char* site;
  Verdict expected;
};

constexpr Verdict allowed = Verdict::allowed;
constexpr Verdict licence = Verdict::licence;
constexpr Verdict banned = Verdict::banned;

// Each row: what the scenario's regulations say for that chip, buyer and site.
const Row kRows[] = {
    // us-2026: the January 2026 rule for China, the H20 letter, Ascend guidance, China's state-funded rule.
    {"us-2026", "h200-sxm", "CN", false, "CN", licence},  // TPP 15,832 < 21,000, 4,800 GB/s < 6,500: case by case
    {"us-2026", "mi325x", "CN", false, "CN", licence},    // TPP 20,919, 6,000 GB/s: under both ceilings
    {"us-2026", "mi300x", "CN", false, "CN", licence},    // TPP 20,919, 5,300 GB/s
    {"us-2026", "h100-sxm", "CN", false, "CN", licence},  // below the ceilings like the H200
    {"us-2026", "h800-sxm", "CN", false, "CN", banned},  // never sold in the US: outside the case-by-case review
    {"us-2026", "a100-sxm-80gb", "CN", false, "CN", licence},  // TPP 4,992 >= 4,800: 3A090.a, under the ceilings
    {"us-2026", "b200", "CN", false, "CN", banned},            // TPP 36,000 and named: Blackwell excluded
    {"us-2026", "gb200", "CN", false, "CN", banned},
    {"us-2026", "mi355x", "CN", false, "CN", banned},        // TPP 40,200 over the ceiling
    {"us-2026", "h20", "CN", false, "CN", licence},          // below 3A090.a, but the April 2025 letter names it
    {"us-2026", "ascend-910c", "CN", false, "CN", allowed},  // domestic: US rules do not reach it
    {"us-2026", "ascend-910b", "CN", false, "CN", allowed},
    {"us-2026", "b200", "CN", false, "MY", banned},         // Blackwell for a China-headquartered buyer, anywhere
    {"us-2026", "h200-sxm", "CN", false, "MY", licence},    // train abroad: licence for a D:5-headquartered buyer
    {"us-2026", "h20", "CN", false, "MY", allowed},         // not 3A090.a, and the H20 letter covers China only
    {"us-2026", "ascend-910c", "CN", false, "MY", banned},  // Ascend outside China: General Prohibition 10
    {"us-2026", "h200-sxm", "US", false, "CN", licence},    // the destination decides, whoever buys
    {"us-2026", "h200-sxm", "US", false, "HK", licence},    // Hong Kong is treated as China
    {"us-2026", "b200", "US", false, "MO", banned},         // Macau with China
    {"us-2026", "b200", "US", false, "US", allowed},
    {"us-2026", "b200", "US", false, "MY", allowed},        // the diffusion rule is rescinded
    {"us-2026", "b200", "DE", false, "SA", licence},        // D:1/D:4 destination: licence whoever buys
    {"us-2026", "ascend-910c", "US", false, "US", banned},  // a US rule reaches a Chinese chip in the US
    {"us-2026", "h100-sxm", "US", false, "RU", banned},     // arms-embargoed destination
    {"us-2026", "h100-sxm", "RU", false, "DE", licence},    // D:5-headquartered buyer abroad
    {"us-2026", "h100-sxm", "US", false, "KH", allowed},    // Cambodia left D:5 in February 2026
    {"us-2026", "h20", "CN", true, "CN", banned},           // state-funded projects in China: domestic chips only
    {"us-2026", "h200-sxm", "CN", true, "CN", banned},
    {"us-2026", "ascend-910c", "CN", true, "CN", allowed},
    {"us-2026", "h20", "CN", true, "MY", allowed},  // China's rule covers sites in China
    // us-2026-cap75k: the same verdicts; the cap is a constraint, not a verdict.
    {"us-2026-cap75k", "h200-sxm", "CN", false, "CN", licence},
    {"us-2026-cap75k", "b200", "CN", false, "CN", banned},
    {"us-2026-cap75k", "ascend-910c", "CN", false, "CN", allowed},
    // diffusion-2025: Tier 1 free, Tier 2 capped, Tier 3 and Tier-3-headquartered buyers barred.
    {"diffusion-2025", "h100-sxm", "CN", false, "MY", banned},   // Tier-3 headquarters, wherever deployed
    {"diffusion-2025", "h100-sxm", "MY", false, "MY", allowed},  // Tier 2, within the caps
    {"diffusion-2025", "b200", "AE", false, "AE", allowed},
    {"diffusion-2025", "b200", "DE", false, "SA", allowed},
    {"diffusion-2025", "h100-sxm", "US", false, "US", allowed},  // Tier 1
    {"diffusion-2025", "b200", "JP", false, "TW", allowed},
    {"diffusion-2025", "h100-sxm", "US", false, "CN", banned},  // Tier 3 destination
    {"diffusion-2025", "a100-sxm-80gb", "RU", false, "RU", banned},
    {"diffusion-2025", "h100-sxm", "MO", false, "JP", banned},      // Macau-headquartered
    {"diffusion-2025", "h100-sxm", "US", false, "KH", banned},      // Cambodia was in D:5 in 2025
    {"diffusion-2025", "h20", "CN", false, "CN", allowed},          // TPP 2,368, density 2.9: not 3A090.a
    {"diffusion-2025", "ascend-910c", "CN", false, "CN", allowed},  // domestic
    {"diffusion-2025", "ascend-910c", "CN", false, "MY", banned},   // TPP 12,032 >= 4,800 abroad
    {"diffusion-2025", "ascend-910b", "MY", false, "MY", allowed},  // TPP 4,480 and no die area: not 3A090.a
    // none: everything allowed.
    {"none", "b200", "CN", false, "CN", allowed},
    {"none", "ascend-910c", "US", false, "US", allowed},
    {"none", "h200-sxm", "RU", true, "RU", allowed},
    // china-domestic: us-2026 plus China's own stance (H20 guidance, conditional H200 approvals).
    {"china-domestic", "h200-sxm", "CN", false, "CN", licence},
    {"china-domestic", "mi325x", "CN", false, "CN", licence},
    {"china-domestic", "h200-sxm", "CN", false, "MY", licence},
    {"china-domestic", "h20", "CN", false, "CN", banned},
    {"china-domestic", "ascend-910c", "CN", false, "CN", allowed},
};

Verdict verdict(const char* scenario_id, const char* chip_id, const char* buyer, bool state_funded, const char* site) {
  return planner::policy::decide(scenario(scenario_id), chip(chip_id), Buyer{buyer, state_funded}, site).verdict;
}

bool has_reason(const planner::policy::Decision& d, const std::string& prefix) {
  return std::any_of(d.reasons.begin(), d.reasons.end(), [&](const std::string& r) { return r.starts_with(prefix); });
}

std::map<std::string, double> weights(const CapConstraint& c) { return {c.chip_weights.begin(), c.chip_weights.end()}; }

std::vector<const Accelerator*> chips(const std::vector<std::string>& ids) {
  std::vector<const Accelerator*> out;
  for (const auto& id : ids) out.push_back(&chip(id));
  return out;
}

}  // namespace

TEST_SUITE("policy::decide") {
  TEST_CASE("the bundled policies load without a problem and name known chips") {
    CHECK(bundled().problems == "");
    CHECK(bundled().policies.scenario_ids() ==
          std::vector<std::string>{"china-domestic", "diffusion-2025", "none", "us-2026", "us-2026-cap75k"});
  }

  TEST_CASE("the default scenario is the rules in force at the data's date") {
    const auto* d = bundled().policies.default_scenario();
    REQUIRE(d);
    CHECK(d->id == "us-2026");
    std::vector<std::string> sets;
    for (const auto& s : d->rule_sets) sets.push_back(s.id);
    CHECK(std::find(sets.begin(), sets.end(), "us-diffusion-2025") == sets.end());
    CHECK(std::find(sets.begin(), sets.end(), "us-ai-chips-2026") != sets.end());
  }

  TEST_CASE("every rule set cites a dated source document") {
    for (const auto& set : bundled().policies.rule_sets) {
      CAPTURE(set.id);
      CHECK(!set.source.source.empty());
      CHECK(!set.source.date.empty());
    }
  }

  TEST_CASE("verdicts per scenario x chip x buyer x site country") {
    CHECK(std::size(kRows) >= 40);
    for (const auto& row : kRows) {
      CAPTURE(row.scenario);
      CAPTURE(row.chip);
      CAPTURE(row.buyer);
      CAPTURE(row.state_funded);
      CAPTURE(row.site);
      CHECK(to_string(verdict(row.scenario, row.chip, row.buyer, row.state_funded, row.site)) ==
            to_string(row.expected));
    }
  }

  TEST_CASE("no-policy allows every chip for every buyer at every site") {
    for (const auto& a : bundled().catalog.accelerators)
      for (const char* country : {"US", "CN", "RU", "MY", "KP"}) {
        CAPTURE(a.id);
        CAPTURE(country);
        CHECK(planner::policy::decide(scenario("none"), a, Buyer{country, true}, country).verdict == allowed);
      }
  }

  TEST_CASE("a ban cites every banning rule and no licence rule") {
    const auto d = planner::policy::decide(scenario("us-2026"), chip("b200"), Buyer{"CN", false}, "CN");
    CHECK(d.reasons.size() == 3);
    CHECK(has_reason(d, "us-ai-chips-2026/china-above-ceiling: "));
    CHECK(has_reason(d, "us-ai-chips-2026/blackwell-excluded: "));
    CHECK(has_reason(d, "us-ai-chips-2026/china-headquartered-above-ceiling: "));
    CHECK_FALSE(has_reason(d, "us-ai-chips-2026/d5-headquartered"));
  }

  TEST_CASE("a domestic chip says which rules do not reach it") {
    const auto d = planner::policy::decide(scenario("us-2026"), chip("ascend-910c"), Buyer{"CN", false}, "CN");
    CHECK(d.verdict == allowed);
    CHECK(has_reason(d, "us-ascend-gp10-2025/ascend-anywhere: does not apply: ascend-910c is made in CN"));
    CHECK(has_reason(d, "us-ai-chips-2026/china-below-ceiling: does not apply"));
  }

  TEST_CASE("an allowed chip under a cap names the cap") {
    const auto d = planner::policy::decide(scenario("diffusion-2025"), chip("h100-sxm"), Buyer{"MY", false}, "MY");
    CHECK(d.verdict == allowed);
    CHECK(has_reason(d, "us-diffusion-2025/tier2-destinations: "));
    CHECK(has_reason(d, "us-diffusion-2025/tier2-country-cap (cap): "));
    CHECK(has_reason(d, "us-diffusion-2025/licence-free-allowance (cap): "));
  }
}

TEST_SUITE("policy::caps") {
  TEST_CASE("the 75,000 cap: one per-customer constraint counting H200 and MI325X, not B200") {
    const auto list = planner::policy::caps(scenario("us-2026-cap75k"), Buyer{"CN", false},
                                            chips({"h200-sxm", "mi325x", "b200", "h20", "ascend-910c"}), {"CN"});
    REQUIRE(list.size() == 1);
    const auto& c = list.front();
    CHECK(c.id == "us-china-cap75k-2026/h200-class-per-customer");
    CHECK(c.scope == "per_customer");
    CHECK(c.unit == "chips");
    CHECK(c.limit == 75000);
    CHECK(c.country == "");
    CHECK(c.site_countries == std::vector<std::string>{"CN"});
    CHECK(c.above_limit == banned);
    CHECK(weights(c) == std::map<std::string, double>{{"h200-sxm", 1}, {"mi325x", 1}});
  }

  TEST_CASE("the 75,000 cap counts chips at every Chinese site together, and nowhere else") {
    const auto list = planner::policy::caps(scenario("us-2026-cap75k"), Buyer{"CN", false}, chips({"h200-sxm"}),
                                            {"MY", "CN", "HK", "CN"});
    REQUIRE(list.size() == 1);
    CHECK(list.front().site_countries == std::vector<std::string>{"CN", "HK"});
  }

  TEST_CASE("the 75,000 cap does not reach a Chinese buyer abroad or a foreign buyer") {
    const auto s = scenario("us-2026-cap75k");
    CHECK(planner::policy::caps(s, Buyer{"CN", false}, chips({"h200-sxm"}), {"MY"}).empty());
    CHECK(planner::policy::caps(s, Buyer{"US", false}, chips({"h200-sxm"}), {"CN"}).empty());
  }

  TEST_CASE("the rules in force have no caps") {
    CHECK(planner::policy::caps(scenario("us-2026"), Buyer{"CN", false}, chips({"h200-sxm", "b200"}), {"CN", "MY"})
              .empty());
  }

  TEST_CASE("diffusion: a 790M TPP quota per Tier 2 country, TPP-weighted; none for Tier 1") {
    const auto list = planner::policy::caps(scenario("diffusion-2025"), Buyer{"MY", false},
                                            chips({"h100-sxm", "b200", "h20"}), {"MY", "US", "AE"});
    std::vector<CapConstraint> quotas;
    for (const auto& c : list)
      if (c.scope == "per_country") quotas.push_back(c);
    REQUIRE(quotas.size() == 2);
    CHECK(quotas[0].country == "AE");
    CHECK(quotas[1].country == "MY");
    for (const auto& q : quotas) {
      CHECK(q.id == "us-diffusion-2025/tier2-country-cap");
      CHECK(q.unit == "tpp");
      CHECK(q.limit == 790e6);
      CHECK(q.site_countries == std::vector<std::string>{q.country});
      CHECK(weights(q).size() == 2);  // the H20 is not 3A090.a
      CHECK(weights(q).at("h100-sxm") == doctest::Approx(chip("h100-sxm").tpp()));
      CHECK(weights(q).at("b200") == doctest::Approx(36000));
    }
  }

  TEST_CASE("diffusion: 1,699 H100-equivalents per customer licence-free, weights TPP / 15,832") {
    const auto list = planner::policy::caps(scenario("diffusion-2025"), Buyer{"MY", false}, chips({"h100-sxm", "b200"}),
                                            {"MY", "US", "AE"});
    const auto it =
        std::find_if(list.begin(), list.end(), [](const CapConstraint& c) { return c.scope == "per_customer"; });
    REQUIRE(it != list.end());
    CHECK(it->id == "us-diffusion-2025/licence-free-allowance");
    CHECK(it->unit == "h100_equivalents");
    CHECK(it->limit == 1699);
    CHECK(it->above_limit == licence);
    CHECK(it->site_countries == std::vector<std::string>{"AE", "MY"});
    CHECK(weights(*it).at("h100-sxm") == doctest::Approx(chip("h100-sxm").tpp() / 15832));
    CHECK(weights(*it).at("b200") == doctest::Approx(36000.0 / 15832));
    // 790M TPP is the rule's "about 49,901 H100-equivalents".
    CHECK(790e6 / 15832 == doctest::Approx(49901).epsilon(0.001));
  }
}
