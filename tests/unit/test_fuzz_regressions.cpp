// Inputs the fuzz targets (tests/fuzz/) found to break something, each kept
// as a hand-checked case; the inputs themselves are in tests/fuzz/corpus/ as
// regression-*. See tests/fuzz/RESULTS.md.

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "perf/collectives.h"
#include "perf/inference.h"
#include "perf/training.h"
#include "util/diagnostics.h"
#include "util/json_reader.h"
#include "../fuzz/fuzz_common.h"  // fuzz::fixed_hardware, the targets' H100-like chip

using namespace planner;

namespace {

// A serving model with 1,024 heads, the most a workload file allows, so tp
// may be 1,024.
workload::Workload wide_serving() {
  workload::Workload w;
  w.kind = workload::Kind::inference;
  auto& m = w.model;
  m.layers = 2, m.hidden = 1024, m.ffn_hidden = 1024, m.heads = 1024, m.kv_heads = 1024, m.vocab = 1000;
  m.attention = workload::Attention::mha;
  w.inference.input_tokens = 1000;
  w.inference.output_tokens = 1000;
  w.inference.output_tokens_per_s = 1e6;
  return w;
}

}  // namespace

TEST_SUITE("fuzz regressions") {
  TEST_CASE("a parse error quoting invalid UTF-8 is still valid UTF-8, so validate --format json can print it") {
    util::Diagnostics d;
    CHECK_FALSE(util::parse_json("{\"kind\": \"accelerator\", \"name\": \"M\xF7\xF7\"}", "a.json", d));
    REQUIRE(d.size() == 1);
    // nlohmann quotes the bytes it read ("\"M\xF7"); the byte that starts no
    // UTF-8 sequence is written as the text \xf7 (it was U+FFFD before issue 13).
    CHECK(d.items()[0].message ==
          "invalid JSON: parse error at line 1, column 35: syntax error while parsing value - invalid string: "
          "ill-formed UTF-8 byte; last read: '\"M\\xf7'");
    CHECK_NOTHROW((void)util::Json(d.items()[0].message).dump());
  }

  TEST_CASE("overlong forms, surrogates and code points past U+10FFFF in a parse error are escaped byte by byte") {
    for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
      CAPTURE(bad);
      util::Diagnostics d;
      CHECK_FALSE(util::parse_json("\"" + bad, "a.json", d));
      REQUIRE(d.size() == 1);
      CHECK_NOTHROW((void)util::Json(d.items()[0].message).dump());
      CHECK(d.items()[0].message.find("\\x") != std::string::npos);
    }
  }

  TEST_CASE("well-formed UTF-8 in a parse error is kept as it is") {
    util::Diagnostics d;
    CHECK_FALSE(util::parse_json("{\"name\": \"Caf\xC3\xA9", "a.json", d));  // no closing quote
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].message.find("Caf\xC3\xA9") != std::string::npos);
    CHECK(d.items()[0].message.find("\xEF\xBF\xBD") == std::string::npos);
  }

  TEST_CASE("a serving layout with batch x tp beyond 2^31 counts its KV cache without overflow") {
    // tp=1024, batch=10,000,000: each chip holds the KV cache of every
    // sequence for its 1/1,024 of the heads. The KV cache is paged: a
    // sequence holds on average its prompt and half its output, 1,500
    // tokens x 2 layers x 2 (K and V) x 1,024 heads x 1 dim x 2 bytes /
    // 1,024 = 12,000 bytes per sequence, 120 GB per chip. The int product batch x tp wrapped to a
    // negative cache that "fitted" (-888.7 GiB per chip in `estimate
    // --layout tp=256,batch=10000000` on a 256-head model).
    const auto model = perf::make_inference_model(wide_serving());
    const auto e = perf::evaluate_inference(model, fuzz::fixed_hardware(), perf::InferenceLayout{1024, 1, 10'000'000, false});
    CHECK(e.kv_bytes_per_chip == doctest::Approx(120e9));
    CHECK(e.rejection == perf::Rejection::memory);
  }

  TEST_CASE("collectives take group sizes beyond 2^31") {
    // dp x cp of a pinned layout may reach 10^10 (cp 8,648,640 x dp 1,080);
    // the group size was cast to int. A ring all-reduce of 1 GB over n chips
    // moves 2 (n-1)/n GB: 0.05 s at 40 GB/s, plus 2 (n-1) latency steps.
    const perf::Link link{40e9, 0};
    const long long n = 9'340'531'200;
    CHECK(perf::ring_all_reduce_time(1e9, n, link) == doctest::Approx(2.0 * (n - 1) / n * 1e9 / 40e9));
    CHECK(perf::all_to_all_time(1e9, n, link) == doctest::Approx(0.025));
  }

  TEST_CASE("a DP group of 10^10 chips spaced 10^10 apart is priced without overflow") {
    // The fuzz layout target's tp=1024,pp=1000,dp=1080,cp=8648640 (CI, 2026-12-01):
    // the hierarchical DP exchange asked whether n x stride chips fit in one
    // domain, and the product overflowed. Such a group has one member per
    // domain: a plain ring over the scale-out network.
    perf::Hardware hw;
    hw.scale_up_domain = 72;
    hw.scale_up_bytes_per_s = 900e9;
    hw.scale_out_bytes_per_s = 50e9;
    const long long n = 9'340'531'200, stride = 8'856'207'360;
    CHECK(perf::group_link(hw, n, stride).bytes_per_s == 50e9);
    CHECK(perf::hierarchical_all_reduce_time(hw, 1e9, n, stride) ==
          doctest::Approx(perf::ring_all_reduce_time(1e9, n, perf::group_link(hw, n, stride))));
    // Nine members in each NVL72 domain: a ninth of the buffer crosses the network.
    const double nine = perf::hierarchical_all_reduce_time(hw, 9e9, 90, 8);
    CHECK(nine == doctest::Approx(2 * (8.0 / 9 * 9e9 / 900e9 + 9.0 / 10 * 1e9 / 50e9)));
  }
}

TEST_SUITE("fuzz regressions") {
  TEST_CASE("subnormal numbers are out of every range, with the reason") {
    // 5e-324 TB/s passed the open zero bound (0, 100] and underflowed to 0
    // in make_hardware, so step times became 0/0 (tests/fuzz/RESULTS.md,
    // finding 4). The smallest normal double still passes.
    const util::Range open{0, 100, true};
    CHECK_FALSE(open.contains(5e-324));
    CHECK_FALSE(open.contains(-5e-324));
    CHECK(open.contains(2.2250738585072014e-308));
    CHECK(util::Range{0, 1}.contains(0.0));
    util::Diagnostics d;
    CHECK_FALSE(util::check_range(5e-324, open, "a.json", "/memory/hbm_tbps/value", d));
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].message ==
          "5e-324 is out of range: expected a value in (0, 100] (too small to compute with)");
  }
}
