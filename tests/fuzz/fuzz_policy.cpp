// libFuzzer target: a policy file (policy_rules or policy_scenario), read by
// policy::load_policy_file and checked by policy::build_policy_set against a
// fixed reference rule set "ref-rules" (which scenarios may name). When it
// loads, every verdict and cap for fixed chips, buyers and site countries is
// computed, and the scenario and rule set are rendered as `policies show`
// does, with and without a buyer.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "policy/loader.h"
#include "report/policy_report.h"

using namespace planner;

namespace {

constexpr const char* kReferenceRules = R"({
  "kind": "policy_rules", "id": "ref-rules", "name": "Reference rules", "issuer": "US",
  "source": "fuzz fixture", "date": "2025-01",
  "country_groups": {"d5": ["CN", "MO"]},
  "rules": [{"id": "ban", "text": "t", "effect": "ban", "buyers": {"groups": ["d5"]},
             "chips": {"tpp_at_least": 4800}}],
  "caps": [{"id": "cap", "text": "t", "scope": "per_country", "unit": "tpp", "limit": 1e9, "above": "licence",
            "sites": {"except_groups": ["d5"]}, "chips": {"tpp_at_least": 1}}]
})";

const std::vector<specs::Accelerator>& chips() {
  static const std::vector<specs::Accelerator> list = {
      fuzz::fixed_chip("us-gpu", "US", 989.4, 3.35, 814, true),  // TPP 15,830
      fuzz::fixed_chip("cn-npu", "CN", 376, 1.6, 665, false),    // made at a CN site's home
      fuzz::fixed_chip("old-gpu", "US", 148, 4.0, 0, true),      // no die area: density rules never match
  };
  return list;
}

const std::vector<std::string> kSiteCountries = {"US", "CN", "AE", "IN"};

void check_scenario(const policy::Scenario& scenario) {
  std::vector<const specs::Accelerator*> pointers;
  for (const auto& chip : chips()) pointers.push_back(&chip);
  for (const auto& buyer : {policy::Buyer{"US", false}, policy::Buyer{"CN", true}, policy::Buyer{"CN", false},
                            policy::Buyer{"AE", false}}) {
    report::BuyerView view{buyer, kSiteCountries, {}, {}, {}};
    for (const auto& chip : chips()) {
      view.chips.push_back(chip.id);
      auto& row = view.decisions.emplace_back();
      for (const auto& country : kSiteCountries) {
        auto d = policy::decide(scenario, chip, buyer, country);
        // A verdict other than allowed always names the rule that set it.
        fuzz::require(d.verdict == policy::Verdict::allowed || !d.reasons.empty());
        row.push_back(std::move(d));
      }
    }
    view.caps = policy::caps(scenario, buyer, pointers, kSiteCountries);
    for (const auto& cap : view.caps) {
      fuzz::require(std::isfinite(cap.limit) && cap.limit > 0 && !cap.chip_weights.empty());
      // h100_equivalent_tpp may be as small as 5e-324: a weight may overflow to infinity, never to NaN.
      for (const auto& [id, weight] : cap.chip_weights) fuzz::require(!std::isnan(weight) && weight > 0);
    }
    const std::string text = report::scenario_details(scenario, view) + report::scenario_json(scenario, view).dump();
    fuzz::require(!text.empty());
  }
  const std::string text =
      report::scenario_details(scenario, std::nullopt) + report::scenario_json(scenario, std::nullopt).dump();
  fuzz::require(!text.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto fs = fuzz::file_system_with(data, size, "/data/policies/fuzz.json");
  fs.add("/ref/policies/ref-rules.json", kReferenceRules);
  util::Diagnostics reference_problems;
  policy::PolicyFiles references;
  policy::load_policy_file(fs, "/ref/policies/ref-rules.json", references, reference_problems);
  fuzz::require(reference_problems.empty());

  util::Diagnostics diagnostics;
  policy::PolicyFiles files;
  policy::load_policy_file(fs, "/data/policies/fuzz.json", files, diagnostics);
  const bool file_ok = diagnostics.empty();
  fuzz::require(!file_ok || files.rule_sets.size() + files.scenarios.size() == 1);
  const policy::PolicySet set =
      policy::build_policy_set(std::move(files), diagnostics, references, /*require_one_default=*/false);
  std::vector<std::string> chip_ids;
  for (const auto& chip : chips()) chip_ids.push_back(chip.id);
  policy::check_chip_ids(set, chip_ids, diagnostics);
  fuzz::render(diagnostics);
  if (!file_ok) return 0;

  const std::string text = report::policies_table(set) + report::policies_list_json(set).dump();
  fuzz::require(!text.empty());
  for (const auto& rule_set : set.rule_sets) {
    const std::string details = report::rule_set_details(rule_set, std::nullopt) +
                                report::rule_set_details(rule_set, policy::Buyer{"CN", true}) +
                                report::rule_set_json(rule_set).dump();
    fuzz::require(!details.empty());
    check_scenario(policy::Scenario{"fuzz-scenario", "Fuzz", "d", "f", true, {rule_set}});
  }
  for (const auto& scenario : set.scenarios) check_scenario(scenario);
  return 0;
}
