// compare prices each chip alone for the whole workload; a row that alone
// needs more than a coupled limit allows (site power, a per-customer cap)
// names the limit and the count it leaves, as plan would enforce it.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "plan_fixture.h"
#include "search/plan.h"

using namespace planner;

namespace {

search::PlanRequest cn_lab_at_gansu(const std::string& example) {
  auto r = fixture::example_request(example, {"hgx-h200-8", "atlas-800-910c-8"}, {"cn-gansu"});
  r.buyer.country = "CN";
  r.serve_where_users_are = false;  // as compare plans
  r.scenario = fixture::bundled_policies().find("us-2026-cap75k");
  REQUIRE(r.scenario);
  return r;
}

const search::Candidate& candidate(const search::PlanResult& p, const std::string& system) {
  const auto it = std::find_if(p.candidates.begin(), p.candidates.end(),
                               [&](const search::Candidate& c) { return c.system == system; });
  REQUIRE(it != p.candidates.end());
  return *it;
}

// The candidate's breach of the limit whose id starts with `id_prefix`, and the limit.
struct Breach {
  const search::OverLimit* over = nullptr;
  const search::CoupledLimit* limit = nullptr;
  explicit operator bool() const { return over != nullptr; }
};

Breach limit(const search::PlanResult& p, const search::Candidate& c, const std::string& id_prefix) {
  for (const auto& o : c.over_limits) {
    REQUIRE(o.limit < p.limits.size());
    if (p.limits[o.limit].id.rfind(id_prefix, 0) == 0) return {&o, &p.limits[o.limit]};
  }
  return {};
}

}  // namespace

TEST_SUITE("compare over limits") {
  TEST_CASE("150 M tokens/s at one 150 MW site: each row names site power, the H200 also the 75,000 cap") {
    const auto request = cn_lab_at_gansu("cn-lab-r1-serving.json");
    std::vector<std::string> problems;
    const auto plan = search::make_plan(fixture::bundled_catalog(), request, problems);
    REQUIRE(problems.empty());
    const auto* gansu = fixture::bundled_catalog().find_site("cn-gansu");
    REQUIRE(gansu);
    for (const std::string system : {"hgx-h200-8", "atlas-800-910c-8"}) {
      CAPTURE(system);
      const auto& c = candidate(plan, system);
      REQUIRE(c.usable);
      const auto power = limit(plan, c, "site-power/cn-gansu");
      REQUIRE(power);
      CHECK(power.limit->kind == search::LimitKind::site_power);
      CHECK(power.limit->limit == doctest::Approx(gansu->power_available_mw.value));
      CHECK(power.over->needed == doctest::Approx(c.cost.power_mw));
      CHECK(power.over->needed > power.limit->limit);
      // Whole replicas, as many as the power allows and not one more.
      const double mw_per_chip = c.cost.power_mw / static_cast<double>(c.count);
      CHECK(power.over->allowed_count % c.step_chips == 0);
      CHECK(static_cast<double>(power.over->allowed_count) * mw_per_chip <= power.limit->limit * (1 + 1e-9));
      CHECK(static_cast<double>(power.over->allowed_count + c.step_chips) * mw_per_chip > power.limit->limit);
      CHECK_FALSE(power.limit->licence_beyond);
    }
    const auto cap = limit(plan, candidate(plan, "hgx-h200-8"), "us-china-cap75k");
    REQUIRE(cap);
    CHECK(cap.limit->limit == 75000);
    CHECK(cap.over->allowed_count <= 75000);
    CHECK(cap.over->allowed_count > 75000 - candidate(plan, "hgx-h200-8").step_chips);
    CHECK_FALSE(limit(plan, candidate(plan, "atlas-800-910c-8"), "us-china-cap75k"));  // domestic: not counted
    // Each limit is listed once, however many candidates exceed it.
    std::set<std::string> ids;
    for (const auto& l : plan.limits) CHECK(ids.insert(l.id).second);
  }

  TEST_CASE("a workload within every limit has no row over one") {
    const auto request = cn_lab_at_gansu("deepseek-r1-serving.json");  // 1 M tokens/s
    std::vector<std::string> problems;
    const auto plan = search::make_plan(fixture::bundled_catalog(), request, problems);
    REQUIRE(problems.empty());
    for (const auto& c : plan.candidates) CHECK(c.over_limits.empty());
    CHECK(plan.limits.empty());
  }
}
