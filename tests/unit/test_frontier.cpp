// The throughput-interactivity frontier (search/frontier.h) and the
// properties issue 9 asks of the serving model along it: at a fixed layout
// tokens/s per chip and TPOT never fall as the batch grows, no step is
// faster than its fixed per-layer floor, nothing on a frontier is NaN or
// infinite, and a frontier is Pareto: each point beats the one before on
// one axis and loses on the other, and no layout that runs beats a point
// on both.

#include <cmath>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <doctest/doctest.h>

#include "perf/hardware.h"
#include "perf/inference.h"
#include "search/frontier.h"
#include "search/inference_search.h"
#include "specs/catalog.h"
#include "workload/loader.h"

#include "plan_fixture.h"

using namespace planner;

namespace {

const std::string kRoot = CLUSTERPLAN_SOURCE_DIR;

const specs::Catalog& catalog() { return fixture::bundled_catalog(); }

workload::Workload load(const std::string& path) {
  util::RealFileSystem fs;
  util::Diagnostics diagnostics;
  auto w = workload::load_workload(fs, kRoot + "/" + path, diagnostics);
  REQUIRE_MESSAGE(w, diagnostics.str());
  return *w;
}

// Serving workloads covering dense and MoE, MTP, colocated and disaggregated.
const std::vector<std::string> kWorkloads = {
    "examples/llama3-70b-chat-serving.json",
    "examples/deepseek-r1-serving.json",
    "tests/calibration/serving/sglang-h20-ep16-decode-bs12.json",  // MTP: 2.55 tokens per step
    "tests/calibration/serving/mlperf-mixtral-8x7b-server-fp8.json",
};

// Every bundled accelerator that runs the workload's precision.
std::vector<perf::Hardware> chips_for(const workload::Workload& w) {
  std::vector<perf::Hardware> out;
  for (const auto& a : catalog().accelerators) {
    perf::HardwareProblem problem;
    if (auto hw = perf::make_hardware(catalog(), a.id, w.precision, problem)) out.push_back(*hw);
  }
  return out;
}

search::RankedInference point(double per_chip, double tpot_ms, int chips = 8, double ttft_ms = 100) {
  search::RankedInference r;
  r.layout.tp = chips;
  r.layout.batch = static_cast<int>(per_chip);
  r.estimate.output_tokens_per_s_per_chip = per_chip;
  r.estimate.tpot_ms = tpot_ms;
  r.estimate.ttft_ms = ttft_ms;
  return r;
}

bool finite(const perf::InferenceEstimate& e) {
  for (const double v : {e.weights_bytes_per_chip, e.kv_bytes_per_chip, e.workspace_bytes_per_chip,
                         e.memory_bytes_per_chip, e.decode_step_s, e.decode_floor_s, e.decode_exchange_exposed_s,
                         e.tpot_ms, e.ttft_ms, e.prefill_tokens_per_s_per_chip, e.decode_tokens_per_s_per_chip,
                         e.output_tokens_per_s_per_chip, e.prefill_share})
    if (!std::isfinite(v)) return false;
  return e.tpot_ms > 0 && e.ttft_ms > 0 && e.output_tokens_per_s_per_chip > 0;
}

}  // namespace

TEST_SUITE("search::frontier") {
  TEST_CASE("pareto_frontier keeps exactly the undominated points, slowest for users first") {
    // (tokens/s per chip, TPOT ms): 100 tok/s/user at 20 ms, 50 at 10 ms.
    std::vector<search::RankedInference> in = {
        point(1000, 100),  // 10 tok/s/user: the most per chip, kept
        point(900, 100),   // dominated by the first (same speed for users, less per chip)
        point(800, 50),    // 20 tok/s/user, kept
        point(700, 60),    // dominated by (800, 50)
        point(800, 40),    // 25 tok/s/user and as much per chip as (800, 50): dominates it
        point(300, 10),    // 100 tok/s/user, kept
        point(300, 20),    // dominated by (300, 10)
        point(100, 10),    // as fast for users as (300, 10), less per chip
    };
    const auto f = search::pareto_frontier(in);
    REQUIRE(f.size() == 3);
    CHECK(f[0].estimate.output_tokens_per_s_per_chip == 1000);
    CHECK(f[0].estimate.tpot_ms == 100);
    CHECK(f[1].estimate.output_tokens_per_s_per_chip == 800);
    CHECK(f[1].estimate.tpot_ms == 40);
    CHECK(f[2].estimate.output_tokens_per_s_per_chip == 300);
    CHECK(f[2].estimate.tpot_ms == 10);
    CHECK(search::tokens_per_s_per_user(f[2].estimate) == doctest::Approx(100));
  }

  TEST_CASE("among points equal on both axes the smaller replica, then the lower TTFT, is kept") {
    const auto f = search::pareto_frontier({point(500, 20, 16, 50), point(500, 20, 8, 90), point(500, 20, 8, 70)});
    REQUIRE(f.size() == 1);
    CHECK(f[0].layout.replica_chips() == 8);
    CHECK(f[0].estimate.ttft_ms == 70);
  }

  TEST_CASE("an empty candidate list gives an empty frontier") { CHECK(search::pareto_frontier({}).empty()); }

  TEST_CASE("frontiers are Pareto over every layout that runs, and finite") {
    for (const auto& path : kWorkloads) {
      const auto w = load(path);
      const auto model = perf::make_inference_model(w);
      for (const auto& hw : chips_for(w)) {
        for (const long long count : {8LL, 64LL}) {
          CAPTURE(path);
          CAPTURE(hw.chip_id);
          CAPTURE(count);
          std::vector<search::RankedInference> running;
          search::for_each_inference_layout(
              model, hw, count, {},
              [&](const search::RankedInference& r) {
                if (r.estimate.rejection == perf::Rejection::none) running.push_back(r);
              },
              [] {});
          const auto f = search::inference_frontier(model, hw, count, {});
          CHECK(f.running == static_cast<long long>(running.size()));
          CHECK(f.points.empty() == running.empty());
          for (std::size_t i = 0; i < f.points.size(); ++i) {
            const auto& e = f.points[i].estimate;
            CHECK(finite(e));
            CHECK(std::isfinite(search::tokens_per_s_per_user(e)));
            if (i == 0) continue;
            const auto& prev = f.points[i - 1].estimate;
            CHECK(search::tokens_per_s_per_user(e) > search::tokens_per_s_per_user(prev));
            CHECK(e.output_tokens_per_s_per_chip < prev.output_tokens_per_s_per_chip);
          }
          // No layout that runs beats a point on both axes, and each is
          // matched or beaten on both by some point.
          for (const auto& r : running) {
            const double user = search::tokens_per_s_per_user(r.estimate);
            const double chip = r.estimate.output_tokens_per_s_per_chip;
            bool covered = false;
            for (const auto& p : f.points) {
              const double pu = search::tokens_per_s_per_user(p.estimate);
              const double pc = p.estimate.output_tokens_per_s_per_chip;
              CHECK_FALSE((user >= pu && chip >= pc && (user > pu || chip > pc)));
              covered = covered || (pu >= user && pc >= chip);
            }
            CHECK(covered);
          }
        }
      }
    }
  }

  TEST_CASE("at a fixed layout tokens/s per chip and TPOT never fall as the batch grows; no step beats its floor") {
    for (const auto& path : kWorkloads) {
      const auto w = load(path);
      const auto model = perf::make_inference_model(w);
      for (const auto& hw : chips_for(w)) {
        CAPTURE(path);
        CAPTURE(hw.chip_id);
        // Batches ascend within each (tp, ep, disagg) family.
        std::optional<search::RankedInference> previous;
        const double floor_s = model.costs.layers * hw.layer_fixed_s;
        search::for_each_inference_layout(
            model, hw, 64, {},
            [&](const search::RankedInference& r) {
              if (r.estimate.rejection != perf::Rejection::none) return;
              const auto& e = r.estimate;
              CAPTURE(r.layout.str());
              CHECK(finite(e));
              // The fixed per-layer costs are a floor on every decode step.
              CHECK(e.decode_floor_s >= floor_s * (1 - 1e-12));
              CHECK(e.decode_step_s >= e.decode_floor_s);
              CHECK(e.tpot_ms * model.job.tokens_per_step >= floor_s * 1e3 * (1 - 1e-12));
              if (previous) {
                const auto& p = previous->estimate;
                CHECK(r.layout.batch > previous->layout.batch);
                CHECK(e.tpot_ms >= p.tpot_ms * (1 - 1e-12));
                CHECK(e.decode_tokens_per_s_per_chip >= p.decode_tokens_per_s_per_chip * (1 - 1e-12));
                CHECK(e.output_tokens_per_s_per_chip >= p.output_tokens_per_s_per_chip * (1 - 1e-12));
              }
              previous = r;
            },
            [&] { previous.reset(); });
      }
    }
  }
}
