// The MoE and large-cluster mechanisms of the training model, each on round
// numbers worked by hand.

#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "round_hardware.h"
#include "perf/expert_exchange.h"
#include "perf/layout.h"
#include "perf/scale_effects.h"
#include "perf/training.h"
#include "perf/training_parts.h"

using namespace planner;

using fixture::round_hardware;  // round_hardware.h

TEST_SUITE("perf::expert_exchange") {
  TEST_CASE("an all-to-all inside one domain sends each copy for another chip over the scale-up fabric") {
    const auto hw = round_hardware();
    // 8 ranks, stride 1: 1,000 tokens x top-2 x 1 MB, 7/8 of the copies leave the chip:
    // 1.75 GB at 100 GB/s = 17.5 ms, plus 5 us.
    CHECK(perf::expert_all_to_all_time(hw, 8, 1, 1000, 2, 1e6) == doctest::Approx(0.0175 + 5e-6));
  }

  TEST_CASE("across domains a token crosses the scale-out network once per remote domain it needs") {
    const auto hw = round_hardware();
    // 16 ranks, stride 1: 8 per domain, 2 domains. Top-2: the chance a token needs the
    // other domain is 1 - (1/2)^2 = 0.75, so 1,000 tokens x 0.75 x 1 MB = 0.75 GB at
    // 10 GB/s = 75 ms + 10 us. Scale-up: local copies 2,000 x 7/16 x 1 MB = 0.875 GB and
    // forwarded arrivals 2,000 x 8/16 x 1 MB = 1 GB, 18.75 ms + 5 us: the network decides.
    CHECK(perf::expert_all_to_all_time(hw, 16, 1, 1000, 2, 1e6) == doctest::Approx(0.075 + 10e-6));
    // Without deduplication every remote copy would cross: 2,000 x 1/2 x 1 MB = 1 GB, 100 ms.
    CHECK(perf::expert_all_to_all_time(hw, 16, 1, 1000, 2, 1e6) < 0.1);
  }

  TEST_CASE("a stride that fills the domain leaves one expert rank per domain") {
    const auto hw = round_hardware();
    // tp = 8: each rank alone in its domain; 4 ranks, top-1: 1 - (3/4)^1 = 1/4 per domain,
    // 3 remote domains: 0.75 crossings per token.
    CHECK(perf::expert_all_to_all_time(hw, 4, 8, 1000, 1, 1e6) == doctest::Approx(0.075 + 10e-6));
  }

  TEST_CASE("overlap hides at most the configured fraction, and never more than the compute") {
    perf::Hardware hw;
    hw.ep_overlap = 0.5;
    CHECK(perf::exposed_expert_exchange(hw, 10, 100) == doctest::Approx(5));  // half hidden
    CHECK(perf::exposed_expert_exchange(hw, 10, 2) == doctest::Approx(8));    // only 2 s to hide behind
  }

  TEST_CASE("routing load: dropless takes the imbalance, a capacity factor caps it") {
    perf::Hardware hw;
    hw.routing_imbalance = 1.2;
    perf::TransformerCosts c;
    CHECK(perf::routing_load_ratio(c, hw) == doctest::Approx(1.2));
    c.capacity_factor = 1.0;  // forced balance
    CHECK(perf::routing_load_ratio(c, hw) == doctest::Approx(1.0));
    c.capacity_factor = 1.1;
    CHECK(perf::routing_load_ratio(c, hw) == doctest::Approx(1.1));
    c.capacity_factor = 2.0;  // a loose cap does not bind
    CHECK(perf::routing_load_ratio(c, hw) == doctest::Approx(1.2));
  }

  TEST_CASE("grouped GEMM rows: the busiest expert's load plus half a tile of padding") {
    perf::Hardware hw;
    hw.grouped_gemm_row_alignment = 128;
    CHECK(perf::grouped_gemm_rows(hw, 1000, 1.2) == doctest::Approx(1264));
  }
}

TEST_SUITE("perf::scale_effects") {
  TEST_CASE("stragglers cost nothing up to the onset, then a fraction per doubling") {
    perf::Hardware hw;
    hw.straggler_onset_chips = 2048;
    hw.straggler_per_doubling = 0.05;
    CHECK(perf::straggler_slowdown(hw, 1024) == 0);
    CHECK(perf::straggler_slowdown(hw, 2048) == 0);
    CHECK(perf::straggler_slowdown(hw, 8192) == doctest::Approx(0.10));
    CHECK(perf::straggler_slowdown(hw, 131072) == doctest::Approx(0.30));
  }
}

TEST_SUITE("perf::layout") {
  TEST_CASE("FP8 activations, BF16 moments and the all-to-all overlap parse and print") {
    std::vector<std::string> errors;
    const auto pins = perf::parse_training_layout("act=fp8,moments=bf16,a2a_overlap=off", errors);
    REQUIRE(errors.empty());
    CHECK(*pins.fp8_activations);
    CHECK(*pins.bf16_moments);
    CHECK_FALSE(*pins.a2a_overlap);
    perf::TrainingLayout l;
    CHECK(l.str() == "tp=1,pp=1,dp=1,cp=1,ep=1,mb=1,vp=1,recompute=none,sp=on,zero=1");
    l.fp8_activations = true;
    l.bf16_moments = true;
    l.a2a_overlap = false;
    CHECK(l.str() == "tp=1,pp=1,dp=1,cp=1,ep=1,mb=1,vp=1,recompute=none,sp=on,zero=1,act=fp8,moments=bf16,a2a_overlap=off");
    perf::parse_training_layout("act=fp4,moments=fp16", errors);
    CHECK(errors == std::vector<std::string>{"act=fp4: expected bf16 or fp8", "moments=fp16: expected fp32 or bf16"});
  }

  TEST_CASE("schedule=dualpipe parses and prints; 1f1b is the default and not printed") {
    std::vector<std::string> errors;
    CHECK(*perf::parse_training_layout("schedule=dualpipe", errors).schedule == perf::Schedule::dualpipe);
    CHECK(*perf::parse_training_layout("schedule=1f1b", errors).schedule == perf::Schedule::one_f_one_b);
    REQUIRE(errors.empty());
    perf::TrainingLayout l;
    l.schedule = perf::Schedule::dualpipe;
    CHECK(l.str() == "tp=1,pp=1,dp=1,cp=1,ep=1,mb=1,vp=1,recompute=none,sp=on,zero=1,schedule=dualpipe");
    perf::parse_training_layout("schedule=zb", errors);
    CHECK(errors == std::vector<std::string>{"schedule=zb: expected 1f1b or dualpipe"});
  }
}

TEST_SUITE("perf::training_mechanisms") {
  TEST_CASE("MoE token permutation: k copies of the hidden state gathered and scattered, by hand") {
    perf::TransformerCosts c;
    c.moe_layers = 1, c.top_k = 8, c.hidden = 1000, c.experts = 64;
    perf::Hardware hw;
    hw.bytes_per_weight = 1;  // FP8 GEMMs: the dispatch side moves FP8
    // ep = 8, 8 local experts: permute and sort (4 passes of 8,000 elements at
    // 1 byte), unsort and unpermute (3 passes at 2 bytes), one BF16 output row.
    const auto io = perf::detail::moe_token_io_bytes(c, hw, 8);
    CHECK(io.forward == doctest::Approx(8000 * 4 * 1 + 8000 * 3 * 2 + 2000));
    // The backward retraces the 7 passes in BF16 and reads the outputs once more.
    CHECK(io.backward == doctest::Approx(8000 * 8 * 2 + 2000));
    // One expert per rank (or no exchange): no sorting by local expert.
    const auto one_each = perf::detail::moe_token_io_bytes(c, hw, 64);
    CHECK(one_each.forward == doctest::Approx(8000 * 2 * 1 + 8000 * 1 * 2 + 2000));
    CHECK(perf::detail::moe_token_io_bytes(c, hw, 1).backward == doctest::Approx(8000 * 4 * 2 + 2000));
    c.moe_layers = 0;
    CHECK(perf::detail::moe_token_io_bytes(c, hw, 8).forward == 0);
  }

  TEST_CASE("a grouped expert GEMM pays the unhidden share of the shorter of compute and traffic") {
    perf::Hardware hw;
    hw.training_matmul_flops = 1e12, hw.hbm_bytes_per_s = 1e10, hw.bytes_per_weight = 2, hw.gemm_overlap = 0.3;
    perf::GemmList list;
    list.add(1000, 1000, perf::Split::none);
    // 100 rows: 2 x 100 x 1,000 x 1,000 = 2e8 FLOP at 1e12 = 0.2 ms; (100 x 1,000 + 10^6 + 100 x 1,000)
    // elements x 2 bytes = 2.4 MB at 10 GB/s = 0.24 ms. A dense GEMM takes the longer; a grouped one
    // adds 0.7 of the shorter.
    CHECK(perf::detail::gemm_time(list, 100, 1, hw) == doctest::Approx(2.4e-4));
    CHECK(perf::detail::grouped_expert_gemm_time(list, 100, 1, hw) == doctest::Approx(2.4e-4 + 0.7 * 2e-4));
    hw.gemm_overlap = 1;  // a kernel that hides everything is the plain roofline
    CHECK(perf::detail::grouped_expert_gemm_time(list, 100, 1, hw) == doctest::Approx(2.4e-4));
  }

  TEST_CASE("expert parallelism folds over tp x cp x dp unless the experts are TP-split") {
    perf::TrainingModel m;
    m.costs.heads = 8, m.costs.layers = 4, m.costs.moe_layers = 4, m.costs.experts = 16;
    m.seq_len = 1024, m.batch_sequences = 64, m.batch_tolerance = 0;
    perf::TrainingLayout l;
    l.tp = 2, l.dp = 4, l.ep = 8;
    // Folded (etp = 1): EP8 lies over TP2 x DP4 on 8 contiguous ranks.
    CHECK(perf::expert_rank_span(l) == 8);
    CHECK(perf::expert_rank_stride(l) == 1);
    CHECK(perf::first_problem(m, l) == perf::LayoutProblem::none);
    // TP-split experts (etp = tp): ep must divide dp x cp = 4, its ranks tp apart.
    l.etp = 2;
    CHECK(perf::expert_rank_span(l) == 4);
    CHECK(perf::expert_rank_stride(l) == 2);
    CHECK(perf::first_problem(m, l) == perf::LayoutProblem::ep_dp);
    l.ep = 4;
    CHECK(perf::first_problem(m, l) == perf::LayoutProblem::none);
    l.etp = 3;  // neither 1 nor tp
    CHECK(perf::first_problem(m, l) == perf::LayoutProblem::etp);
    CHECK(perf::describe(perf::LayoutProblem::etp, m, l) == "etp=3 must be 1 or tp=2");
  }

  TEST_CASE("etp parses and prints; etp=1 is the default and not printed") {
    std::vector<std::string> errors;
    CHECK(*perf::parse_training_layout("etp=4", errors).etp == 4);
    REQUIRE(errors.empty());
    perf::TrainingLayout l;
    l.tp = 4, l.ep = 8, l.etp = 4;
    CHECK(l.str() == "tp=4,pp=1,dp=1,cp=1,ep=8,mb=1,vp=1,recompute=none,sp=on,zero=1,etp=4");
  }

  TEST_CASE("pipeline bubble: 1F1B (p-1)/v micro-batches, DualPipe (p/2-1) x 2/3") {
    perf::TrainingLayout l;
    l.pp = 16;
    CHECK(perf::detail::pipeline_bubble(l, 3.0) == doctest::Approx(45.0));
    l.vp = 3;
    CHECK(perf::detail::pipeline_bubble(l, 3.0) == doctest::Approx(15.0));
    l.vp = 1;
    l.schedule = perf::Schedule::dualpipe;
    CHECK(perf::detail::pipeline_bubble(l, 3.0) == doctest::Approx(14.0));  // 7 x 2/3 x 3
    l.pp = 2;
    CHECK(perf::detail::pipeline_bubble(l, 3.0) == 0);
  }
}
