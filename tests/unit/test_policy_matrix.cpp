// policy matrix: every bundled chip x buyer (CN, AE, SA, MY, JP, US, DE) x
// bundled site country under the rules in force (us-2026) and with China's
// own stance (china-domestic). The expectation is written out as a rule
// table, first match wins, each row naming the regulation that sets the
// verdict; decide() must give that verdict and cite that rule.

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "plan_fixture.h"
#include "policy/loader.h"
#include "policy/policy.h"
#include "specs/catalog.h"
#include "specs/loader.h"
#include "util/file_system.h"

using planner::policy::Buyer;
using planner::policy::Verdict;

namespace {


// The bundled catalog and policies (plan_fixture.h).
struct Loaded {
  const planner::specs::Catalog& catalog;
  const planner::policy::PolicySet& policies;
};

Loaded loaded() { return {fixture::bundled_catalog(), fixture::bundled_policies()}; }

using Ids = std::vector<std::string>;
const Ids kAny;  // matches everything

// The chips by what the regulations look at (spec-sheet TPP and bandwidth).
const Ids kAscend = {"ascend-910b", "ascend-910c"};
const Ids kAboveCeiling = {"b200", "gb200", "mi355x"};  // TPP >= 21,000 or >= 6,500 GB/s
const Ids kBelowCeiling = {"a100-sxm-80gb", "h100-sxm", "h200-sxm", "mi300x", "mi325x"};  // 3A090.a, under both
const Ids kImported3a090a = {"a100-sxm-80gb", "b200", "gb200", "h100-sxm", "h200-sxm", "h800-sxm",
                             "mi300x", "mi325x", "mi355x"};

struct Expect {
  const char* scenario;  // "" for both
  Ids chips, buyers, sites;
  Verdict verdict;
  const char* rule;  // the rule (id prefix) decide() must cite
};

constexpr Verdict allowed = Verdict::allowed;
constexpr Verdict licence = Verdict::licence;
constexpr Verdict banned = Verdict::banned;

// First match wins.
const std::vector<Expect>& expectations() {
  static const std::vector<Expect> rows = {
      // China's own stance (china-domestic only), for sites in China.
      {"china-domestic", {"h20"}, kAny, {"CN"}, banned, "cn-import-stance-2026/h20-guidance"},
      {"china-domestic", {"h200-sxm"}, kAny, {"CN"}, licence, "cn-import-stance-2026/h200-approval"},
      // Huawei Ascend outside China: General Prohibition 10 guidance (May 2025).
      {"", kAscend, kAny, {"US", "JP", "SG", "MY", "ID", "AU", "DE", "FR", "SA", "AE"}, banned,
       "us-ascend-gp10-2025/ascend-anywhere"},
      // In China a US rule does not reach a Chinese chip.
      {"", kAscend, kAny, {"CN"}, allowed, "us-ascend-gp10-2025/ascend-anywhere: does not apply"},
      // Blackwell class for China-headquartered buyers, wherever they build (15 January 2026 rule).
      {"", kAboveCeiling, {"CN"}, kAny, banned, "us-ai-chips-2026/china-headquartered-above-ceiling"},
      // To China and Macau: above the ceilings denied, the H800 (never sold in the US) denied,
      // H200 class case by case, the H20 by the April 2025 letter.
      {"", kAboveCeiling, kAny, {"CN"}, banned, "us-ai-chips-2026/china-above-ceiling"},
      {"", {"h800-sxm"}, kAny, {"CN"}, banned, "us-ai-chips-2026/china-not-sold-in-us"},
      {"", kBelowCeiling, kAny, {"CN"}, licence, "us-ai-chips-2026/china-below-ceiling"},
      {"", {"h20"}, kAny, {"CN"}, licence, "us-h20-2025/h20-china"},
      // A China-headquartered buyer abroad: licence for any 3A090.a chip (15 CFR 742.6(a)(6)(iii)(A)).
      {"", kImported3a090a, {"CN"}, kAny, licence, "us-ai-chips-2026/d5-headquartered"},
      // D:1/D:4 destinations: licence (since November 2023), allocations aside.
      {"", kImported3a090a, kAny, {"SA", "AE"}, licence, "us-ai-chips-2026/d1-d4-destinations"},
      // Everything else: no rule reaches it (the H20 below 3A090.a outside China, Tier-1 and other sites).
      {"", kAny, kAny, kAny, allowed, ""},
  };
  return rows;
}

bool in(const Ids& set, const std::string& v) { return set.empty() || std::find(set.begin(), set.end(), v) != set.end(); }

const Expect& expected(const std::string& scenario, const std::string& chip, const std::string& buyer,
                       const std::string& site) {
  for (const auto& e : expectations())
    if ((*e.scenario == '\0' || scenario == e.scenario) && in(e.chips, chip) && in(e.buyers, buyer) &&
        in(e.sites, site))
      return e;
  return expectations().back();
}

std::vector<std::string> site_countries() {
  std::set<std::string> out;
  for (const auto& s : loaded().catalog.sites) out.insert(s.country);
  return {out.begin(), out.end()};
}

}  // namespace

TEST_SUITE("policy matrix") {
  TEST_CASE("the matrix covers the bundled catalogue") {
    CHECK(loaded().catalog.accelerators.size() == 12);
    CHECK(site_countries() == std::vector<std::string>{"AE", "AU", "CN", "DE", "FR", "ID", "JP", "MY", "SA", "SG", "US"});
  }

  TEST_CASE("every chip x buyer x site country under us-2026 and china-domestic, citing the rule") {
    int checked = 0;
    for (const std::string scenario_id : {"us-2026", "china-domestic"}) {
      const auto* scenario = loaded().policies.find(scenario_id);
      REQUIRE(scenario);
      for (const auto& chip : loaded().catalog.accelerators)
        for (const std::string buyer : {"CN", "AE", "SA", "MY", "JP", "US", "DE"})
          for (const auto& site : site_countries()) {
            CAPTURE(scenario_id);
            CAPTURE(chip.id);
            CAPTURE(buyer);
            CAPTURE(site);
            const auto& want = expected(scenario_id, chip.id, buyer, site);
            const auto got = planner::policy::decide(*scenario, chip, Buyer{buyer, false}, site);
            CHECK(to_string(got.verdict) == to_string(want.verdict));
            const std::string rule = want.rule;
            if (!rule.empty()) {
              const bool cited = std::any_of(got.reasons.begin(), got.reasons.end(),
                                             [&](const std::string& r) { return r.starts_with(rule); });
              CHECK_MESSAGE(cited, "expected a reason citing " << rule);
            }
            ++checked;
          }
    }
    CHECK(checked == 2 * 12 * 7 * 11);
  }

  TEST_CASE("a US quota counts only chips the US exports, never a Huawei Ascend") {
    const auto* diffusion = loaded().policies.find("diffusion-2025");
    REQUIRE(diffusion);
    std::vector<const planner::specs::Accelerator*> chips;
    for (const auto* id : {"h100-sxm", "ascend-910c"}) chips.push_back(loaded().catalog.find_accelerator(id));
    for (const auto& cap : planner::policy::caps(*diffusion, Buyer{"MY", false}, chips, {"MY"})) {
      CAPTURE(cap.id);
      REQUIRE(cap.chip_weights.size() == 1);
      CHECK(cap.chip_weights.front().first == "h100-sxm");
    }
  }

  TEST_CASE("the November 2025 allocations cap a UAE or Saudi buyer at home at 35,000 chips, and no one else") {
    const auto* rules = loaded().policies.find("us-2026");
    REQUIRE(rules);
    std::vector<const planner::specs::Accelerator*> chips = {loaded().catalog.find_accelerator("gb200"),
                                                             loaded().catalog.find_accelerator("h20")};
    const auto ae = planner::policy::caps(*rules, Buyer{"AE", false}, chips, {"AE", "SA", "US"});
    REQUIRE(ae.size() == 1);
    CHECK(ae[0].id == "us-gulf-allocations-2025/g42-allocation");
    CHECK(ae[0].limit == 35000);
    CHECK(ae[0].site_countries == std::vector<std::string>{"AE"});
    CHECK(ae[0].chip_weights.size() == 1);  // the H20 is not 3A090.a
    const auto sa = planner::policy::caps(*rules, Buyer{"SA", false}, chips, {"AE", "SA"});
    REQUIRE(sa.size() == 1);
    CHECK(sa[0].id == "us-gulf-allocations-2025/humain-allocation");
    CHECK(planner::policy::caps(*rules, Buyer{"US", false}, chips, {"AE", "SA"}).empty());
  }
}
