// Issue 13 (robustness round 2): the attacks that got through, each with the
// behaviour that now holds. CLI-level items are golden cases
// (tests/golden/CATALOGUE.md); these are the ones a unit test states better.

#include <doctest/doctest.h>

#include "search/sizing.h"

using namespace planner;

namespace {

// A replica of 8 chips whose rates are round numbers: a decode-only chip
// emits 1,000 tokens/s, half of a request's chip time is prefill, so a chip
// doing both emits 500 output tokens/s.
search::RankedInference round_replica(bool disagg) {
  search::RankedInference r;
  r.layout = {1, 8, 64, disagg};
  r.estimate.decode_tokens_per_s_per_chip = 1000;
  r.estimate.prefill_share = 0.5;
  r.estimate.output_tokens_per_s_per_chip = 500;
  return r;
}

}  // namespace

TEST_SUITE("robustness round 2") {
  TEST_CASE("disaggregated serving buys what the prefill and decode pools add up to") {
    // 10,000 tokens/s: the decode pool needs 10 chips, prefill 10; each pool
    // rounds up to 2 replicas of 8, so 32 chips, not the fluid 20 rounded once (24).
    const auto chips = search::serving_chips(round_replica(true), 8, 10'000);
    CHECK(chips.decode == 16);
    CHECK(chips.prefill == 16);
    CHECK(chips.total == 32);
    // Both pools of 16 chips keep up with 16,000 output tokens/s.
    CHECK(chips.output_tokens_per_s == doctest::Approx(16'000));
    // Replicas rounded up to whole systems of 72 chips: 2 + 2 systems.
    CHECK(search::serving_chips(round_replica(true), 72, 10'000).total == 4 * 72);
  }

  TEST_CASE("colocated serving buys whole replicas at the end-to-end rate") {
    const auto chips = search::serving_chips(round_replica(false), 8, 10'000);
    CHECK(chips.total == 24);  // 20 chips of 500 tokens/s, 3 replicas of 8
    CHECK(chips.prefill == 0);
    CHECK(chips.decode == 0);
    CHECK(chips.output_tokens_per_s == doctest::Approx(12'000));
  }
}
