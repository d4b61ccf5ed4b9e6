// Issue 13 (robustness round 2): the attacks that got through, each with the
// behaviour that now holds. CLI-level items are golden cases
// (tests/golden/CATALOGUE.md); these are the ones a unit test states better.

#include <doctest/doctest.h>

#include <string>

#include "search/sizing.h"
#include "util/diagnostics.h"
#include "util/json_reader.h"
#include "util/printable.h"

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
    const auto chips = search::serving_chips(round_replica(true), search::unpacked(8), 10'000);
    CHECK(chips.decode == 16);
    CHECK(chips.prefill == 16);
    CHECK(chips.total == 32);
    // Both pools of 16 chips keep up with 16,000 output tokens/s.
    CHECK(chips.output_tokens_per_s == doctest::Approx(16'000));
    CHECK(chips.idle == 0);
    // In systems of 72 chips the 4 replicas of 8 share one system (9 fit), 40 chips idle.
    const auto packed = search::serving_chips(round_replica(true), search::pack_replicas(8, 72), 10'000);
    CHECK(packed.total == 72);
    CHECK(packed.idle == 40);
    // Replicas of 48 chips fill one 72-chip system each, 24 idle in each.
    auto wide = round_replica(true);
    wide.layout.ep = 48;
    const auto apart = search::serving_chips(wide, search::pack_replicas(48, 72), 10'000);
    CHECK(apart.total == 2 * 72);
    CHECK(apart.idle == 2 * 24);
  }

  TEST_CASE("colocated serving buys whole replicas at the end-to-end rate") {
    const auto chips = search::serving_chips(round_replica(false), search::unpacked(8), 10'000);
    CHECK(chips.total == 24);  // 20 chips of 500 tokens/s, 3 replicas of 8
    CHECK(chips.prefill == 0);
    CHECK(chips.decode == 0);
    CHECK(chips.output_tokens_per_s == doctest::Approx(12'000));
  }

  TEST_CASE("control characters and invalid UTF-8 are escaped, long text keeps its start and end") {
    CHECK(util::escape_unprintable(std::string("a\x1b[31mb\nc\0d", 11)) == "a\\x1b[31mb\\x0ac\\x00d");
    CHECK(util::escape_unprintable("x\xff.json") == "x\\xff.json");
    CHECK(util::escape_unprintable("line\n", util::Newlines::keep) == "line\n");
    CHECK(util::escape_unprintable("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");  // kept
    // Escaping escaped text changes nothing.
    CHECK(util::escape_unprintable(util::escape_unprintable("\x01\xfe")) == util::escape_unprintable("\x01\xfe"));
    const std::string long_name(1'000'000, 'n');
    const auto cut = util::printable("name " + long_name + " end", 240);
    CHECK(cut.size() < 300);
    CHECK(cut.starts_with("name nnn"));
    CHECK(cut.ends_with("nnn end"));
    CHECK(cut.find("bytes cut") != std::string::npos);
    CHECK(util::is_valid_utf8(util::printable(std::string(1000, '\xC3') + "\xA9", 50)));
  }

  TEST_CASE("diagnostics escape what the user wrote and stop at 50 per file with a count") {
    util::Diagnostics d;
    d.error("x\xff.json", "/na\x1bme", "bad \x07 value");
    CHECK(d.items()[0].file == "x\\xff.json");
    CHECK(d.items()[0].json_path == "/na\\x1bme");
    CHECK(d.items()[0].message == "bad \\x07 value");
    for (int i = 0; i < 200'000; ++i) d.error("keys.json", "/k" + std::to_string(i), "unknown key");
    d.error("other.json", "", "still reported");
    CHECK(d.size() == 200'002);                     // every problem counted
    REQUIRE(d.items().size() == 1 + 50 + 1 + 1);    // 50 kept, one line for the rest
    CHECK(d.items()[51].message == "... and 199950 more problems not shown (the first 50 are listed)");
    CHECK(d.items()[52].file == "other.json");
  }

  TEST_CASE("nesting deeper than 512 is refused before parsing, with where it happens") {
    util::Diagnostics d;
    CHECK(util::parse_json(std::string(512, '[') + std::string(512, ']'), "ok.json", d));
    CHECK(d.empty());
    // 10 MB of "[" used to take 2.1 GB; now it is refused at the 513th.
    CHECK_FALSE(util::parse_json(std::string(10'000'000, '['), "deep.json", d));
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].message == "invalid JSON: arrays and objects nested more than 512 deep at line 1, column 513");
    // Brackets inside strings do not count.
    util::Diagnostics strings;
    CHECK(util::parse_json("[\"" + std::string(1000, '[') + "\"]", "s.json", strings));
  }

  TEST_CASE("NUL bytes: trailing ones refused, UTF-16 recognised") {
    util::Diagnostics d;
    CHECK_FALSE(util::parse_json(std::string("{\"a\": 1}\n\0\0", 11), "nul.json", d));
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].message ==
          "invalid JSON: a NUL byte at line 2, column 1 (offset 9): JSON text has none; is it a binary file, or "
          "padded with NULs?");
    util::Diagnostics utf16;
    CHECK_FALSE(util::parse_json(std::string("\xFF\xFE{\0}\0", 6), "u16.json", utf16));
    REQUIRE(utf16.size() == 1);
    CHECK(utf16.items()[0].message ==
          "invalid JSON: the file looks like UTF-16 or UTF-32 (NUL bytes between the characters); save it as UTF-8");
  }
}
