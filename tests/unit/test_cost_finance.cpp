// The finance model: capital charges with residual value, opex lines, fabric
// tiers, the host-power split, carbon, market rents, each computed by hand;
// then its properties over the bundled data, and the owned-H100 band.

#include <doctest/doctest.h>

#include "plan_fixture.h"
#include "cost/cost.h"
#include "cost/fabric.h"
#include "search/sizing.h"
#include "specs/catalog.h"
#include "util/file_system.h"

using namespace planner;

namespace {

specs::Sourced value(double v) {
  specs::Sourced s;
  s.value = v;
  s.provenance.estimate = "test";
  return s;
}

specs::FabricTier tier(const char* name, std::optional<long long> up_to, double usd) {
  return {name, up_to, value(usd)};
}

// The fabric tiers of hw_specs/cost/cost_model.json.
std::vector<specs::FabricTier> tiers() {
  return {tier("direct", 16, 810), tier("one layer", 512, 1883), tier("two layers", 16384, 4248),
          tier("three layers", std::nullopt, 6613)};
}

struct Fixture {
  specs::Accelerator chip;
  specs::System system;
  specs::Site site;
  specs::CostModel model;
  Fixture() {
    chip.id = "test-chip";
    chip.origin_country = "CN";
    chip.tdp_w = value(1000);
    chip.unit_usd = value(20000);
    system.id = "test-system";
    system.chips_per_system = 8;
    system.host_power_w_per_chip = value(500);
    system.system_cost_usd_per_chip = value(10000);
    site.id = "test-site";
    site.country = "CN";
    site.pue = value(1.2);
    site.electricity_usd_per_kwh = value(0.1);
    site.power_available_mw = value(100);
    site.grid_gco2_per_kwh = value(500);
    site.facility_capex_usd_per_mw = value(10e6);
    model.fabric = tiers();
    model.rentals.push_back({"test-chip", value(3.0)});
  }
  // The bundled defaults, written out.
  cost::Assumptions finance() const {
    cost::Assumptions a;
    a.cost_of_capital = 0.08;
    a.residual_share = 0.1;
    a.host_typical_share = 0.65;
    a.opex = {0.04, 1.0, 150000, 500, 0.015, 0.01};
    a.model = &model;
    return a;
  }
};

// The bundled hw_specs/ (plan_fixture.h).
const specs::Catalog& bundled() { return fixture::bundled_catalog(); }

}  // namespace

TEST_SUITE("cost::finance") {
  TEST_CASE("capital charge: (capex - PV of the residual) x CRF, by hand") {
    // 8% over 5 years: CRF 0.2504565; 100 back after 5 years is worth 100 / 1.08^5 = 68.0583 now.
    CHECK(cost::discount_factor(0.08, 5) == doctest::Approx(0.680583).epsilon(1e-6));
    CHECK(cost::capital_charge_usd_per_year(1000, 100, 0.08, 5) == doctest::Approx(233.4108).epsilon(1e-6));
    // At 0%: straight line net of the residual, (1000 - 100) / 5.
    CHECK(cost::capital_charge_usd_per_year(1000, 100, 0, 5) == doctest::Approx(180));
    CHECK(cost::capital_charge_usd_per_year(1000, 0, 0.08, 0) == 0);
  }

  TEST_CASE("opex lines, by hand") {
    // IT capex 30M, all capex 45M, 1.5 MW of IT load, 1,000 chips.
    const auto o = cost::opex_of({30e6, 45e6, 1.5, 1000}, {0.04, 1.0, 150000, 500, 0.015, 0.01});
    CHECK(o.maintenance_usd_per_year == doctest::Approx(1.2e6));     // 4% of 30M
    CHECK(o.staff_usd_per_year == doctest::Approx(225000));          // 1.5 MW x 1 x 150k
    CHECK(o.software_usd_per_year == doctest::Approx(500000));       // 1,000 x 500
    CHECK(o.insurance_tax_usd_per_year == doctest::Approx(675000));  // 1.5% of 45M
    CHECK(o.spares_usd_per_year == doctest::Approx(300000));         // 1% of 30M
    CHECK(o.total_usd_per_year == doctest::Approx(2.9e6));
    CHECK(cost::opex_of({30e6, 45e6, 1.5, 1000}, {}).total_usd_per_year == 0);
  }

  TEST_CASE("fabric tiers: none inside one system, then by cluster size") {
    const auto t = tiers();
    CHECK(cost::fabric_price(t, 8, 8).usd_per_chip == 0);
    CHECK(cost::fabric_price(t, 8, 8).tier == "none");
    CHECK(cost::fabric_price(t, 72, 72).usd_per_chip == 0);    // one NVL72 rack
    CHECK(cost::fabric_price(t, 384, 384).usd_per_chip == 0);  // one CloudMatrix
    CHECK(cost::fabric_price(t, 9, 8).usd_per_chip == 810);
    CHECK(cost::fabric_price(t, 16, 8).usd_per_chip == 810);
    CHECK(cost::fabric_price(t, 17, 8).usd_per_chip == 1883);
    CHECK(cost::fabric_price(t, 512, 8).usd_per_chip == 1883);
    CHECK(cost::fabric_price(t, 513, 8).usd_per_chip == 4248);
    CHECK(cost::fabric_price(t, 16384, 8).usd_per_chip == 4248);
    CHECK(cost::fabric_price(t, 16385, 8).usd_per_chip == 6613);
    CHECK(cost::fabric_price(t, 300000, 8).tier == "three layers");
    CHECK(cost::fabric_price({}, 300000, 8).usd_per_chip == 0);
  }

  TEST_CASE("host power: nameplate sizes the facility, typical draw bills energy") {
    Fixture f;
    cost::Assumptions a;
    a.host_typical_share = 0.6;
    auto c = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, a);
    CHECK(c.it_power_mw == doctest::Approx(1.5));  // 1,000 x (1,000 + 500) W
    CHECK(c.facility_capex_usd == doctest::Approx(15e6));
    // 1,000 x (1,000 x 0.8 + 500 x 0.6) x 1.2 = 1.32 MW on average.
    CHECK(c.average_power_mw == doctest::Approx(1.32));
    f.system.host_typical_w_per_chip = value(200);  // the system's own figure wins over the share
    c = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, a);
    CHECK(c.average_power_mw == doctest::Approx(1000 * (800 + 200) * 1.2 / 1e6));
    CHECK(c.it_power_mw == doctest::Approx(1.5));
  }

  TEST_CASE("the whole yearly cost with the finance defaults, by hand") {
    Fixture f;
    const auto c = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 0.5}, f.finance());
    // IT capex: chips 20M + systems 10M + fabric 1,000 x 4,248 (two layers) = 34.248M; facility 15M.
    CHECK(c.fabric_capex_usd == doctest::Approx(4.248e6));
    CHECK(c.fabric_tier == "two layers");
    CHECK(c.capex_usd == doctest::Approx(49.248e6));
    CHECK(c.residual_usd == doctest::Approx(3.4248e6));
    // Capital: (34.248M - 3.4248M / 1.08^5) x 0.2504565 + 15M x CRF(8%, 15) 0.1168295 = 9,746,297.
    CHECK(c.capex_usd_per_year == doctest::Approx(9746296.56).epsilon(1e-6));
    // Opex: 4% + 1% of 34.248M, 1.5 MW x 150k, 500k software, 1.5% of 49.248M.
    CHECK(c.opex.total_usd_per_year == doctest::Approx(3176120));
    // Energy: 1,000 x (800 + 325) W x 1.2 = 1.35 MW x 8,760 h x 0.1 USD/kWh.
    CHECK(c.energy_usd_per_year == doctest::Approx(1182600));
    CHECK(c.usd_per_year == doctest::Approx(14105016.56).epsilon(1e-6));
    CHECK(c.usd_per_chip_hour == doctest::Approx(1.610162).epsilon(1e-5));
    CHECK(c.tco_usd == doctest::Approx(5 * 14105016.56).epsilon(1e-6));
    CHECK(c.job_cost_usd == doctest::Approx(0.5 * 14105016.56).epsilon(1e-6));
  }

  TEST_CASE("chips delivered into a country with its own price cost that price there, unit_usd elsewhere") {
    Fixture f;
    f.chip.unit_usd_by_country.emplace("CN", value(15000));
    const auto in_cn = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, f.finance());
    CHECK(in_cn.chip_capex_usd == doctest::Approx(1000 * 15000.0));
    f.site.country = "MY";  // the same buyer's site abroad pays the price there
    const auto in_my = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, f.finance());
    CHECK(in_my.chip_capex_usd == doctest::Approx(1000 * 20000.0));
    CHECK(in_my.capex_usd - in_cn.capex_usd == doctest::Approx(1000 * 5000.0));  // only the chips differ
  }

  TEST_CASE("a carbon price charges the energy's tonnes") {
    Fixture f;
    cost::Assumptions a;
    a.carbon_usd_per_tco2 = 100;
    const auto c = cost::cost_of({&f.chip, &f.system, &f.site, 1000, 1.0}, a);
    // 13,665.6 MWh x 500 g/kWh = 6,832.8 t x 100 USD.
    CHECK(c.carbon_usd_per_year == doctest::Approx(683280));
    CHECK(c.usd_per_year == doctest::Approx(c.capex_usd_per_year + c.energy_usd_per_year + 683280));
  }

  TEST_CASE("--rent prices each chip at its market rent; a chip without one is not priced") {
    Fixture f;
    auto a = f.finance();
    a.market_rent = true;
    auto c = cost::cost_of({&f.chip, &f.system, &f.site, 100, 1.0}, a);
    CHECK(c.priced);
    CHECK(c.capex_usd == 0);
    CHECK(c.opex.total_usd_per_year == 0);
    CHECK(c.usd_per_chip_hour == doctest::Approx(3.0));
    CHECK(c.job_cost_usd == doctest::Approx(100 * 3.0 * 8760));
    f.chip.id = "other-chip";
    c = cost::cost_of({&f.chip, &f.system, &f.site, 100, 1.0}, a);
    CHECK_FALSE(c.priced);
    CHECK(c.why_unpriced == "no market rent for other-chip in the cost model's rent table");
  }
}

TEST_SUITE("cost::properties") {
  // Every bundled chip on its system at every bundled site, at sizes from one
  // system to 100,000 chips, with the bundled defaults.
  template <class F>
  void for_each_deployment(F&& check) {
    const auto& catalog = bundled();
    REQUIRE(catalog.cost_model);
    for (const auto& chip : catalog.accelerators)
      for (const auto& site : catalog.sites)
        for (const long long n : {8LL, 72LL, 384LL, 1024LL, 20000LL, 100000LL}) {
          const auto choice = search::choose_chip(catalog, chip.id);
          REQUIRE(choice);
          CAPTURE(chip.id);
          CAPTURE(site.id);
          CAPTURE(n);
          check(chip, choice->system, site, n);
        }
  }

  TEST_CASE("lifetime TCO >= capex >= 0, and a job no longer than the chip life costs no more than the TCO") {
    const auto a = cost::from_data(*bundled().cost_model);
    for_each_deployment([&](const auto& chip, const auto* system, const auto& site, long long n) {
      const auto c = cost::cost_of({&chip, system, &site, n, 0.5}, a);
      CHECK(c.capex_usd >= 0);
      CHECK(c.tco_usd >= c.capex_usd);
      CHECK(c.job_cost_usd <= c.tco_usd);
      const auto whole_life = cost::cost_of({&chip, system, &site, n, a.chip_life_years}, a);
      CHECK(whole_life.job_cost_usd == doctest::Approx(whole_life.tco_usd));
    });
  }

  TEST_CASE("raising the cost of capital never lowers any cost") {
    auto low = cost::from_data(*bundled().cost_model);
    for_each_deployment([&](const auto& chip, const auto* system, const auto& site, long long n) {
      double previous[4] = {0, 0, 0, 0};
      for (const double rate : {0.0, 0.04, 0.08, 0.12, 0.3}) {
        low.cost_of_capital = rate;
        const auto c = cost::cost_of({&chip, system, &site, n, 0.3}, low);
        const double now[4] = {c.capex_usd_per_year, c.usd_per_year, c.tco_usd, c.job_cost_usd};
        for (int i = 0; i < 4; ++i) {
          CHECK(now[i] >= previous[i] * (1 - 1e-12));
          previous[i] = now[i];
        }
      }
    });
  }

  TEST_CASE("a single 8-chip system pays no multi-tier fabric") {
    const auto a = cost::from_data(*bundled().cost_model);
    for (const auto& s : bundled().systems) {
      const auto* chip = bundled().find_accelerator(s.accelerator);
      const auto c = cost::cost_of({chip, &s, &bundled().sites.front(), s.chips_per_system, 1}, a);
      CAPTURE(s.id);
      CHECK(c.fabric_capex_usd == 0);
      CHECK(c.fabric_tier == "none");
    }
  }

  TEST_CASE("an owned H100 cluster at us-va with the defaults: 1.3-2.2 USD per GPU-hour") {
    const auto& catalog = bundled();
    const auto a = cost::from_data(*catalog.cost_model);
    const auto choice = search::choose_chip(catalog, "hgx-h100-8");
    REQUIRE(choice);
    for (const long long n : {1024LL, 16384LL, 100000LL}) {
      const auto c = cost::cost_of({choice->chip, choice->system, catalog.find_site("us-va"), n, 1}, a);
      CAPTURE(n);
      CHECK(c.usd_per_chip_hour >= 1.3);
      CHECK(c.usd_per_chip_hour <= 2.2);
      MESSAGE("owned H100 at us-va, " << n << " GPUs: " << c.usd_per_chip_hour << " USD per GPU-hour");
    }
  }
}
