// policy::loader on in-memory files: a valid rule set and scenario, then one
// bad input per test case with the whole diagnostics text checked word for
// word; and selector semantics (groups, exceptions, issuers) on those files.

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "policy/loader.h"
#include "policy/policy.h"
#include "util/file_system.h"
#include "util/json_reader.h"

using planner::policy::Buyer;
using planner::policy::PolicySet;
using planner::policy::Verdict;
using planner::specs::Accelerator;
using planner::util::Diagnostics;
using planner::util::Json;
using planner::util::MemoryFileSystem;

namespace {

Json valid_rules(const std::string& id = "test-rules") {
  return {
      {"kind", "policy_rules"},
      {"id", id},
      {"name", "Test export rule"},
      {"issuer", "US"},
      {"source", "Test regulation"},
      {"date", "2026-01-15"},
      {"country_groups", {{"china", {"CN", "HK", "MO"}}, {"tier1", {"US", "JP"}}}},
      {"chip_classes", {{"big", {{"text", "TPP >= 4,800"}, {"chips", {{"tpp_at_least", 4800}}}}}}},
      {"h100_equivalent_tpp", 15832},
      {"rules",
       {{{"id", "china-big"},
         {"text", "big chips to China: banned"},
         {"sites", {{"groups", {"china"}}}},
         {"chips", {{"class", "big"}}},
         {"effect", "ban"}},
        {{"id", "china-small"},
         {"text", "small chips to China: licence"},
         {"sites", {{"groups", {"china"}}}},
         {"chips", {{"tpp_below", 4800}}},
         {"effect", "licence"}}}},
      {"caps",
       {{{"id", "tier2-quota"},
         {"text", "per-country quota outside Tier 1 and China"},
         {"scope", "per_country"},
         {"unit", "h100_equivalents"},
         {"limit", 1000},
         {"above", "ban"},
         {"sites", {{"except_groups", {"tier1", "china"}}}},
         {"chips", {{"class", "big"}}}}}},
  };
}

Json valid_scenario(const std::string& id = "test-scenario", bool is_default = true,
                    const std::vector<std::string>& rules = {"test-rules"}) {
  return {{"kind", "policy_scenario"}, {"id", id},      {"name", "Test scenario"}, {"description", "for tests"},
          {"default", is_default},     {"rules", rules}};
}

// Loads data/policies/<name> for each file; returns the problems.
std::string problems(const std::map<std::string, Json>& files, PolicySet* out = nullptr) {
  MemoryFileSystem fs;
  for (const auto& [name, doc] : files) fs.add("data/policies/" + name, doc.dump(2));
  Diagnostics diagnostics;
  auto set = planner::policy::load_policies(fs, {"data"}, diagnostics);
  if (out) *out = std::move(set);
  return diagnostics.str();
}

std::string rules_problems(const Json& rules) {
  return problems({{"rules.json", rules}, {"scenario.json", valid_scenario()}});
}

Accelerator test_chip(const std::string& id, const std::string& origin, double bf16_tflops) {
  Accelerator a;
  a.id = id;
  a.origin_country = origin;
  a.bf16_tflops.value = bf16_tflops;
  a.fp16_tflops.value = bf16_tflops;
  a.hbm_tbps.value = 3;
  return a;
}

}  // namespace

TEST_SUITE("policy::loader") {
  TEST_CASE("a valid rule set and scenario load") {
    PolicySet set;
    CHECK(problems({{"rules.json", valid_rules()}, {"scenario.json", valid_scenario()}}, &set) == "");
    REQUIRE(set.rule_sets.size() == 1);
    const auto& rs = set.rule_sets.front();
    CHECK(rs.rules.size() == 2);
    CHECK(rs.rules[0].id == "test-rules/china-big");
    CHECK(rs.rules[0].sites.members == std::vector<std::string>{"CN", "HK", "MO"});
    CHECK(rs.caps.front().h100_equivalent_tpp == 15832);
    REQUIRE(set.default_scenario());
    CHECK(set.default_scenario()->rule_sets.size() == 1);
  }

  TEST_CASE("unknown country codes are rejected, with a hint for lower case") {
    auto rules = valid_rules();
    rules["country_groups"]["china"] = {"CN", "ZZ", "mo"};
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /country_groups/china/1: expected an ISO 3166-1 alpha-2 country code such as "
          "\"US\" or \"CN\", got \"ZZ\"\n"
          "data/policies/rules.json: /country_groups/china/2: expected an ISO 3166-1 alpha-2 country code such as "
          "\"US\" or \"CN\", got \"mo\" (did you mean \"MO\"?)\n");
  }

  TEST_CASE("a country listed twice") {
    auto rules = valid_rules();
    rules["rules"][0]["sites"] = {{"countries", {"CN", "CN"}}};
    CHECK(rules_problems(rules) == "data/policies/rules.json: /rules/0/sites/countries/1: \"CN\" is listed twice\n");
  }

  TEST_CASE("an unknown issuer") {
    auto rules = valid_rules();
    rules["issuer"] = "USA";
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /issuer: expected the ISO 3166-1 alpha-2 code of the country whose rule this "
          "is, got \"USA\"\n");
  }

  TEST_CASE("a rule set without a source") {
    auto rules = valid_rules();
    rules.erase("source");
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /source: required key is missing\n"
          "data/policies/rules.json: /date: a date without a \"source\"; name the document it dates\n");
  }

  TEST_CASE("a source with a malformed date") {
    auto rules = valid_rules();
    rules["date"] = "January 2026";
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /date: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"January 2026\"\n");
  }

  TEST_CASE("a bad effect value") {
    auto rules = valid_rules();
    rules["rules"][1]["effect"] = "license";
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /rules/1/effect: expected one of \"ban\", \"licence\", \"allow\", got "
          "\"license\" (did you mean \"licence\"?)\n");
  }

  TEST_CASE("an unknown key in a chip selector, with a hint") {
    auto rules = valid_rules();
    rules["rules"][1]["chips"] = {{"tpp_blow", 4800}, {"class", "big"}};
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /rules/1/chips/tpp_blow: unknown key (did you mean \"tpp_below\"?)\n");
  }

  TEST_CASE("a chip selector without a condition") {
    auto rules = valid_rules();
    rules["rules"][0]["chips"] = Json::object();
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /rules/0/chips: expected at least one condition: class, ids, tpp_at_least, "
          "tpp_below, hbm_gbytes_per_s_at_least, hbm_gbytes_per_s_below, performance_density_at_least, "
          "performance_density_below, origin_not_site_country or any_of\n");
  }

  TEST_CASE("an unknown country group and an unknown chip class, with hints") {
    auto rules = valid_rules();
    rules["rules"][0]["sites"] = {{"groups", {"chna"}}};
    rules["rules"][0]["chips"] = {{"class", "bigg"}};
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /rules/0/sites/groups/0: unknown country group \"chna\" (did you mean "
          "\"china\"?)\n"
          "data/policies/rules.json: /rules/0/chips/class: unknown chip class \"bigg\" (did you mean \"big\"?)\n");
  }

  TEST_CASE("an empty selector is an error; leaving it out means everyone") {
    auto rules = valid_rules();
    rules["rules"][0]["buyers"] = Json::object();
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /rules/0/buyers: expected at least one of countries, groups, except_countries, "
          "except_groups or state_funded; leave the key out to mean every buyer\n");
  }

  TEST_CASE("a cap in H100-equivalents needs the file's h100_equivalent_tpp") {
    auto rules = valid_rules();
    rules.erase("h100_equivalent_tpp");
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /caps/0/unit: counting h100_equivalents needs \"h100_equivalent_tpp\" at the "
          "top of the file\n");
  }

  TEST_CASE("a rule set with neither rules nor caps") {
    auto rules = valid_rules();
    rules["rules"] = Json::array();
    rules.erase("caps");
    CHECK(rules_problems(rules) == "data/policies/rules.json: /rules: expected at least one rule or cap\n");
  }

  TEST_CASE("two rules with one id") {
    auto rules = valid_rules();
    rules["rules"][1]["id"] = "china-big";
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /rules/1/id: duplicate id \"china-big\" in this file; rules and caps need "
          "distinct ids\n");
  }

  TEST_CASE("a scenario naming an unknown rule set, with a hint") {
    CHECK(problems({{"rules.json", valid_rules()},
                    {"scenario.json", valid_scenario("test-scenario", true, {"test-rules", "test-rulez"})}}) ==
          "data/policies/scenario.json: /rules/1: unknown policy_rules id \"test-rulez\" (did you mean "
          "\"test-rules\"?)\n");
  }

  TEST_CASE("a scenario naming a broken rule set is not reported twice") {
    auto rules = valid_rules();
    rules["issuer"] = "XX";
    CHECK(rules_problems(rules) ==
          "data/policies/rules.json: /issuer: expected the ISO 3166-1 alpha-2 code of the country whose rule this "
          "is, got \"XX\"\n");
  }

  TEST_CASE("two default scenarios") {
    CHECK(problems({{"rules.json", valid_rules()},
                    {"a.json", valid_scenario("scenario-a")},
                    {"b.json", valid_scenario("scenario-b")}}) ==
          "data/policies/b.json: /default: scenario \"scenario-b\" is marked default, and so is \"scenario-a\" in "
          "data/policies/a.json; exactly one scenario may be the default\n");
  }

  TEST_CASE("no default scenario") {
    CHECK(problems({{"rules.json", valid_rules()}, {"a.json", valid_scenario("scenario-a", false)}}) ==
          "no policy scenario is marked \"default\": true; mark exactly one (the rules in force at the data's "
          "date)\n");
  }

  TEST_CASE("ids are unique across rule sets and scenarios") {
    CHECK(problems({{"a.json", valid_rules("same")}, {"b.json", valid_scenario("same", true, {"same"})}}) ==
          "data/policies/b.json: /id: duplicate policy id \"same\", also defined in data/policies/a.json; ids must "
          "be unique across all policy files, rules and scenarios alike (use --no-bundled to replace the bundled "
          "data)\n");
  }

  TEST_CASE("a file of another kind in policies/") {
    CHECK(problems({{"rules.json", valid_rules()},
                    {"scenario.json", valid_scenario()},
                    {"chip.json", {{"kind", "policy_rule"}}}}) ==
          "data/policies/chip.json: /kind: expected \"policy_rules\" or \"policy_scenario\" for a file in this "
          "folder, got \"policy_rule\" (did you mean \"policy_rules\"?)\n");
  }

  TEST_CASE("chip ids are checked against the accelerators") {
    auto rules = valid_rules();
    rules["rules"][0]["chips"] = {{"ids", {"h200", "b200"}}};
    PolicySet set;
    REQUIRE(problems({{"rules.json", rules}, {"scenario.json", valid_scenario()}}, &set) == "");
    Diagnostics diagnostics;
    planner::policy::check_chip_ids(set, {"h200-sxm", "b200"}, diagnostics);
    CHECK(diagnostics.str() ==
          "data/policies/rules.json: /rules/0/chips/ids/0: unknown accelerator \"h200\" (did you mean "
          "\"h200-sxm\"?)\n");
  }

  TEST_CASE("no policy files at all is not an error") {
    MemoryFileSystem fs;
    fs.add("data/accelerators/x.json", "{}");
    Diagnostics diagnostics;
    const auto set = planner::policy::load_policies(fs, {"data"}, diagnostics);
    CHECK(diagnostics.str() == "");
    CHECK(set.default_scenario() == nullptr);
  }
}

TEST_SUITE("policy::selectors") {
  TEST_CASE("groups, exceptions and the issuer's reach") {
    PolicySet set;
    REQUIRE(problems({{"rules.json", valid_rules()}, {"scenario.json", valid_scenario()}}, &set) == "");
    const auto& s = *set.default_scenario();
    const auto big = test_chip("big", "US", 400);      // TPP 6,400
    const auto small = test_chip("small", "US", 100);  // TPP 1,600
    const auto local = test_chip("local", "CN", 400);
    auto v = [&](const Accelerator& chip, const char* site) {
      return planner::policy::decide(s, chip, Buyer{"JP", false}, site).verdict;
    };
    CHECK(v(big, "HK") == Verdict::banned);
    CHECK(v(small, "MO") == Verdict::licence);
    CHECK(v(big, "JP") == Verdict::allowed);
    CHECK(v(local, "CN") == Verdict::allowed);  // a US rule does not reach a Chinese chip in China
    CHECK(v(local, "HK") == Verdict::banned);   // but does in Hong Kong, a separate ISO code

    // The per-country cap reaches every country except Tier 1 and China.
    const auto caps = planner::policy::caps(s, Buyer{"JP", false}, {&big, &small}, {"JP", "DE", "CN", "SG"});
    REQUIRE(caps.size() == 2);
    CHECK(caps[0].country == "DE");
    CHECK(caps[1].country == "SG");
    REQUIRE(caps[0].chip_weights.size() == 1);
    CHECK(caps[0].chip_weights[0].first == "big");
    CHECK(caps[0].chip_weights[0].second == doctest::Approx(6400.0 / 15832));
  }

  TEST_CASE("a country's own rule reaches chips made there") {
    auto rules = valid_rules();
    rules["issuer"] = "CN";
    PolicySet set;
    REQUIRE(problems({{"rules.json", rules}, {"scenario.json", valid_scenario()}}, &set) == "");
    const auto local = test_chip("local", "CN", 400);
    CHECK(planner::policy::decide(*set.default_scenario(), local, Buyer{"CN", false}, "CN").verdict == Verdict::banned);
  }

  TEST_CASE("state funding and performance density") {
    auto rules = valid_rules();
    rules["rules"] = {{{"id", "state"},
                       {"text", "state-funded projects: imported chips banned"},
                       {"buyers", {{"state_funded", true}}},
                       {"chips", {{"origin_not_site_country", true}}},
                       {"effect", "ban"}},
                      {{"id", "dense"},
                       {"text", "dense chips: licence"},
                       {"chips", {{"performance_density_at_least", 5}}},
                       {"effect", "licence"}}};
    PolicySet set;
    REQUIRE(problems({{"rules.json", rules}, {"scenario.json", valid_scenario()}}, &set) == "");
    const auto& s = *set.default_scenario();
    auto chip = test_chip("chip", "US", 400);
    CHECK(planner::policy::decide(s, chip, Buyer{"CN", true}, "CN").verdict == Verdict::banned);
    CHECK(planner::policy::decide(s, chip, Buyer{"CN", false}, "CN").verdict == Verdict::allowed);  // no die area
    chip.die_area_mm2 = planner::specs::Sourced{1000, {}};  // TPP 6,400 / 1,000 mm2 = 6.4
    CHECK(planner::policy::decide(s, chip, Buyer{"CN", false}, "CN").verdict == Verdict::licence);
  }
}
