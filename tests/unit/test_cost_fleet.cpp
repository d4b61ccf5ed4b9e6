// Cost cases computed by hand, and the fleet MILP checked against brute force.

#include <cmath>
#include <random>

#include <doctest/doctest.h>

#include "cost/cost.h"
#include "search/fleet.h"

using namespace planner;

namespace {

specs::Sourced value(double v) {
  specs::Sourced s;
  s.value = v;
  s.provenance.estimate = "test";
  return s;
}

struct Fixture {
  specs::Accelerator chip;
  specs::System system;
  specs::Site site;
  Fixture() {
    chip.id = "test-chip";
    chip.origin_country = "CN";
    chip.tdp_w = value(1000);
    chip.unit_usd = value(20000);
    system.id = "test-system";
    system.host_power_w_per_chip = value(500);
    system.system_cost_usd_per_chip = value(10000);
    site.id = "test-site";
    site.country = "CN";
    site.pue = value(1.2);
    site.electricity_usd_per_kwh = value(0.1);
    site.power_available_mw = value(100);
    site.grid_gco2_per_kwh = value(500);
    site.facility_capex_usd_per_mw = value(10e6);
  }
};

}  // namespace

TEST_SUITE("cost::cost_of") {
  TEST_CASE("1,000 chips for one year, straight-line, computed by hand") {
    Fixture f;
    cost::Assumptions a;  // 5-year chips, 15-year building, no cost of capital, load 0.8
    const auto c = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, a);
    // IT power at TDP: 1,000 x (1,000 + 500) W = 1.5 MW; facility 1.5 x 1.2 = 1.8 MW.
    CHECK(c.it_power_mw == doctest::Approx(1.5));
    CHECK(c.power_mw == doctest::Approx(1.8));
    // Average: 1,000 x (1,000 x 0.8 + 500) x 1.2 = 1.56 MW; x 8,760 h = 13,665.6 MWh.
    CHECK(c.energy_mwh_per_year == doctest::Approx(13665.6));
    CHECK(c.energy_usd_per_year_unsubsidized == doctest::Approx(13665.6 * 1000 * 0.1));
    CHECK(c.energy_usd_per_year == doctest::Approx(1366560));  // no subsidy at this site
    // Capex: chips 20M, systems 10M, facility per MW of IT load 1.5 MW x 10M = 15M;
    // no fabric without the cost model's tiers.
    CHECK(c.fabric_capex_usd == 0);
    CHECK(c.capex_usd == doctest::Approx(45e6));
    // Per year: 30M / 5 + 15M / 15 = 7M; the job's year = 7M + 1.36656M; the
    // lifetime TCO five such years.
    CHECK(c.capex_usd_per_year == doctest::Approx(7e6));
    CHECK(c.job_cost_usd == doctest::Approx(7e6 + 1366560));
    CHECK(c.tco_usd == doctest::Approx(5 * (7e6 + 1366560)));
    // 13,665.6 MWh x 500 g/kWh = 6,832.8 t.
    CHECK(c.tco2 == doctest::Approx(6832.8));
  }

  TEST_CASE("a western-province refund halves the power bill of domestic chips only") {
    Fixture f;
    f.site.subsidies.push_back({"power_bill_refund", value(0.5), specs::SubsidyScope::domestic_chips, ""});
    const auto domestic = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, {});
    CHECK(domestic.domestic);
    CHECK(domestic.energy_usd_per_year == doctest::Approx(domestic.energy_usd_per_year_unsubsidized * 0.5));
    f.chip.origin_country = "US";
    const auto imported = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, {});
    CHECK_FALSE(imported.domestic);
    CHECK(imported.energy_usd_per_year == doctest::Approx(imported.energy_usd_per_year_unsubsidized));
  }

  TEST_CASE("--subsidies: the effective refund, the headline 'up to' figure among its alternatives, or none") {
    Fixture f;
    auto refund = value(0.18);
    refund.provenance.alternatives = {{0.5, "FT", "2025-11-04", "up to 50%"}, {0.3, "other", "2025", ""}};
    f.site.subsidies.push_back({"power_bill_refund", refund, specs::SubsidyScope::domestic_chips, ""});
    CHECK(cost::subsidy_fraction(f.site, f.chip) == doctest::Approx(0.18));
    CHECK(cost::subsidy_fraction(f.site, f.chip, cost::SubsidyScenario::headline) == doctest::Approx(0.5));
    CHECK(cost::subsidy_fraction(f.site, f.chip, cost::SubsidyScenario::none) == 0);
    cost::Assumptions a;
    a.subsidies = cost::SubsidyScenario::headline;
    const auto headline = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, a);
    CHECK(headline.energy_usd_per_year == doctest::Approx(headline.energy_usd_per_year_unsubsidized * 0.5));
    f.chip.origin_country = "US";  // the refund is for domestic chips in every scenario
    CHECK(cost::subsidy_fraction(f.site, f.chip, cost::SubsidyScenario::headline) == 0);
  }

  TEST_CASE("capital recovery factor: 1/n at zero rate, the annuity formula otherwise") {
    CHECK(cost::capital_recovery_factor(0, 5) == doctest::Approx(0.2));
    // 8% over 5 years: 0.08 x 1.08^5 / (1.08^5 - 1) = 0.250456
    CHECK(cost::capital_recovery_factor(0.08, 5) == doctest::Approx(0.250456).epsilon(1e-5));
  }

  TEST_CASE("renting replaces capex and energy by the hourly price") {
    Fixture f;
    cost::Assumptions a;
    a.rental_usd_per_chip_hour = 2.0;
    const auto c = cost::cost_of({&f.chip, &f.system, &f.site, 100, 0.5}, a);
    CHECK(c.capex_usd == 0);
    CHECK(c.energy_usd_per_year == 0);
    CHECK(c.job_cost_usd == doctest::Approx(100 * 2.0 * 8760 * 0.5));
    CHECK(c.usd_per_chip_hour == doctest::Approx(2.0));
  }

  TEST_CASE("TCO never falls when the electricity price rises") {
    Fixture f;
    double previous = 0;
    for (const double price : {0.01, 0.05, 0.1, 0.2, 0.5, 1.0}) {
      f.site.electricity_usd_per_kwh = value(price);
      const auto c = cost::cost_of({&f.chip, &f.system, &f.site, 777, 0.3}, {});
      CHECK(c.tco_usd >= previous);
      previous = c.tco_usd;
    }
  }
}

TEST_SUITE("search::fleet") {
  TEST_CASE("rows with the same terms keep only the tightest; different terms all stay") {
    std::vector<search::FleetConstraint> rows = {
        {"a", "a", 9, {{0, 1.0}, {1, 2.0}}, "chips"},
        {"b", "b", 7, {{1, 2.0}, {0, 1.0}}, "chips"},  // a's terms in another order, tighter
        {"c", "c", 7, {{0, 1.0}, {1, 2.0}}, "chips"},  // ties b: the first listed stays
        {"d", "d", 1, {{0, 1.0}, {1, 3.0}}, "chips"},  // other coefficients
        {"e", "e", 1, {{0, 1.0}}, "chips"}};           // other options
    search::drop_dominated_rows(rows);
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    CHECK(ids == std::vector<std::string>{"b", "d", "e"});
    // 10,000 copies of one cap with rising limits are one row, the lowest.
    std::vector<search::FleetConstraint> many;
    for (int i = 0; i < 10'000; ++i) many.push_back({"cap", "cap", 75'000.0 + i, {{0, 8.0}}, "chips"});
    search::drop_dominated_rows(many);
    REQUIRE(many.size() == 1);
    CHECK(many.front().limit == 75'000);
  }

  TEST_CASE("a cap forces a mix: 8 of the cheap chip, the rest on the dear one") {
    // Demand 100; option 0 supplies 10 per step at cost 1, option 1 supplies 10 at cost 3.
    // A cap allows 8 steps of option 0: the optimum is 8 + 2 = cost 14.
    search::FleetProblem p;
    p.demand = {100};
    p.options = {{0, 10, 1, 20, "cheap"}, {0, 10, 3, 20, "dear"}};
    p.constraints = {{"cap", "cap", 8, {{0, 1.0}}, "chips"}};
    const auto milp = search::solve_fleet(p);
    REQUIRE(milp.feasible);
    CHECK(milp.steps == std::vector<long long>{8, 2});
    CHECK(milp.objective == doctest::Approx(14));
  }

  TEST_CASE("an impossible demand is infeasible") {
    search::FleetProblem p;
    p.demand = {100};
    p.options = {{0, 10, 1, 5, "only"}};
    CHECK_FALSE(search::solve_fleet(p).feasible);
    CHECK_FALSE(search::brute_force_fleet(p).feasible);
  }

  TEST_CASE("the MILP matches brute force on 200 random small instances") {
    std::mt19937 rng(20261123);
    std::uniform_real_distribution<double> u(0.5, 5.0);
    for (int instance = 0; instance < 200; ++instance) {
      search::FleetProblem p;
      const int workloads = 1 + instance % 2;
      for (int w = 0; w < workloads; ++w) p.demand.push_back(std::floor(u(rng) * 4));
      const int options = 3 + instance % 2;
      for (int o = 0; o < options; ++o)
        p.options.push_back({o % workloads, std::floor(u(rng)), std::round(u(rng) * 100) / 10, 1 + o % 3, "o"});
      // A shared cap and a per-"site" power limit over random subsets.
      search::FleetConstraint cap{"cap", "cap", std::floor(u(rng) * 2), {}, "chips"};
      search::FleetConstraint power{"power", "power", std::floor(u(rng) * 3), {}, "MW"};
      for (int o = 0; o < options; ++o) {
        if (o % 2 == 0) cap.terms.push_back({o, 1.0});
        power.terms.push_back({o, std::round(u(rng)) / 2});
      }
      p.constraints = {cap, power};
      const auto exact = search::brute_force_fleet(p);
      const auto milp = search::solve_fleet(p);
      INFO("instance " << instance);
      REQUIRE(milp.feasible == exact.feasible);
      if (exact.feasible) CHECK(milp.objective == doctest::Approx(exact.objective).epsilon(1e-4));
    }
  }

  TEST_CASE("lifting a cap never makes the optimum worse") {
    search::FleetProblem p;
    p.demand = {50};
    p.options = {{0, 10, 1, 10, "capped"}, {0, 7, 2, 10, "free"}};
    double previous = std::numeric_limits<double>::infinity();
    for (const double limit : {0.0, 1.0, 2.0, 3.0, 5.0, 10.0}) {
      p.constraints = {{"cap", "cap", limit, {{0, 1.0}}, "chips"}};
      const auto s = search::solve_fleet(p);
      REQUIRE(s.feasible);
      CHECK(s.objective <= previous + 1e-9);
      previous = s.objective;
    }
  }
}
