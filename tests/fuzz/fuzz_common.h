#pragma once
// Shared by the libFuzzer targets: the fuzz input as a file of an in-memory
// file system, the checks that trap (a crash libFuzzer records) when a derived
// number is NaN or infinite, and the fixed inputs the downstream checks use:
// hardware, model constants and small models built in memory, so that no
// target reads hw_specs/ at fuzz time.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "perf/hardware.h"
#include "perf/inference.h"
#include "perf/training.h"
#include "specs/catalog.h"
#include "specs/constants.h"
#include "util/diagnostics.h"
#include "util/file_system.h"
#include "util/json_reader.h"
#include "workload/workload.h"

namespace fuzz {

using namespace planner;

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A file system holding the fuzz input at `path`.
inline util::MemoryFileSystem file_system_with(const std::uint8_t* data, std::size_t size, const std::string& path) {
  util::MemoryFileSystem fs;
  fs.add(path, std::string(as_text(data, size)));
  return fs;
}

// An accelerator file, id "fuzz-chip", for targets whose input names a chip:
// the seeds' systems and the per-chip overrides of model constants.
inline constexpr const char* kFixtureAcceleratorJson = R"({
  "kind": "accelerator", "id": "fuzz-chip", "name": "Fuzz Chip", "vendor": "Fuzzco", "origin_country": "US",
  "compute": {"bf16_tflops": {"value": 1000, "estimate": "e"}, "fp16_tflops": {"value": 1000, "estimate": "e"},
              "fp8_tflops": {"value": 2000, "estimate": "e"}},
  "memory": {"hbm_gb": {"value": 96, "estimate": "e"}, "hbm_tbps": {"value": 4, "estimate": "e"}},
  "interconnect": {"scale_up_gbytes_per_s": {"value": 450, "estimate": "e"},
                   "scale_up_domain_chips": {"value": 8, "estimate": "e"},
                   "scale_out_gbits_per_s": {"value": 400, "estimate": "e"}},
  "power": {"tdp_w": {"value": 700, "estimate": "e"}},
  "price": {"unit_usd": {"value": 30000, "estimate": "e"}}
})";

inline void require(bool ok) {
  if (!ok) __builtin_trap();
}
inline void require_finite(double x) { require(std::isfinite(x)); }

// Renders problems the two ways the CLI does: text, and JSON as `validate
// --format json` prints them (nlohmann throws on invalid UTF-8, which would
// escape as a crash). Every problem names a file and has a message.
inline void render(const util::Diagnostics& diagnostics) {
  const std::string text = diagnostics.str();
  util::Json list = util::Json::array();
  for (const auto& d : diagnostics.items()) {
    require(!d.message.empty());
    list.push_back({{"file", d.file}, {"path", d.json_path}, {"message", d.message}});
  }
  const std::string json = list.dump(2);
  require(diagnostics.empty() || (!text.empty() && !json.empty()));
}

// specs::load_catalog on a data directory "/data" holding the fuzz input at
// `path` (below /data), and the fixture accelerator when the input may name
// it; the problems are rendered as validate prints them.
inline specs::Catalog load_catalog_with(const std::uint8_t* data, std::size_t size, const std::string& path,
                                        util::Diagnostics& diagnostics, bool with_fixture_accelerator = false) {
  auto fs = file_system_with(data, size, "/data/" + path);
  if (with_fixture_accelerator) fs.add("/data/accelerators/fuzz-chip.json", kFixtureAcceleratorJson);
  specs::Catalog catalog = specs::load_catalog(fs, {"/data"}, diagnostics);
  render(diagnostics);
  return catalog;
}

// A site with round numbers in `country` (which decides domestic chips).
inline specs::Site fixed_site(std::string country) {
  specs::Site site;
  site.id = "fuzz-site";
  site.country = std::move(country);
  site.electricity_usd_per_kwh.value = 0.05;
  site.pue.value = 1.3;
  site.power_available_mw.value = 100;
  site.grid_gco2_per_kwh.value = 500;
  site.facility_capex_usd_per_mw.value = 1e7;
  return site;
}

// Model constants as in hw_specs/model/constants.json (rounded), with no
// per-chip overrides.
inline specs::ModelConstants fixed_constants() {
  specs::ModelConstants k;
  k.file = "fixed-constants";
  // In the order of specs::Constant; one value short (a constant added without
  // its fixture value) fails to compile rather than fuzzing with a zero.
  constexpr auto values = std::to_array<double>({0.75, 0.5, 0.85, 0.8, 0.85, 5, 10, 0.8, 4, 2e-5, 5, 0.5, 20, 0.3, 1.3,
                                                 16384, 3, 1.0, 0.45, 128, 1.2, 2048, 0.072, 1.0, 0.3});
  static_assert(values.size() == specs::kConstantCount, "a model constant without a fuzz fixture value");
  for (std::size_t i = 0; i < specs::kConstantCount; ++i) {
    k.defaults[i].value = values[i];
    k.defaults[i].provenance.estimate = "fuzz fixture";
  }
  return k;
}

// A chip built in memory: `tflops` dense at BF16/FP16 (twice that at FP8 and
// INT8 when `fp8`), a die area when `die_area_mm2` > 0.
inline specs::Accelerator fixed_chip(std::string id, std::string origin_country, double tflops, double hbm_tbps,
                                     double die_area_mm2, bool fp8) {
  auto sourced = [](double value) {
    specs::Sourced s;
    s.value = value;
    s.provenance.estimate = "fuzz fixture";
    return s;
  };
  specs::Accelerator a;
  a.id = std::move(id);
  a.name = a.id;
  a.vendor = "Fuzzco";
  a.origin_country = std::move(origin_country);
  a.bf16_tflops = a.fp16_tflops = sourced(tflops);
  if (fp8) a.fp8_tflops = a.int8_tops = sourced(2 * tflops);
  a.hbm_gb = sourced(96);
  a.hbm_tbps = sourced(hbm_tbps);
  a.scale_up_gbytes_per_s = sourced(450);
  a.scale_up_domain_chips = sourced(8);
  a.scale_out_gbits_per_s = sourced(400);
  a.tdp_w = sourced(700);
  a.unit_usd = sourced(30000);
  if (die_area_mm2 > 0) a.die_area_mm2 = sourced(die_area_mm2);
  return a;
}

// An H100-like chip with round numbers, as the performance model sees it:
// built by perf::make_hardware from fixed_chip and fixed_constants, so that a
// field the model gains is filled here as it is for a real chip.
inline perf::Hardware fixed_hardware() {
  specs::Catalog catalog;
  catalog.accelerators.push_back(fixed_chip("fuzz-chip", "US", 1000, 2.8, 814, true));
  catalog.constants = fixed_constants();
  perf::HardwareProblem problem;
  const auto hw = perf::make_hardware(catalog, "fuzz-chip", specs::Precision::bf16, problem);
  require(hw.has_value());
  return *hw;
}

// Training workloads over fixed shapes: a small dense GQA model without
// FlashAttention, a small MLA + MoE model, and a "wide" model whose heads,
// layers, sequence length and batch have many divisors, so that large pinned
// layouts pass the divisibility rules and reach the time model.
inline workload::Workload fixed_training_workload(int which) {
  workload::Workload w;
  w.name = "fuzz";
  w.kind = workload::Kind::training;
  auto& m = w.model;
  auto& t = w.training;
  t.tokens = 1e12;
  if (which == 0) {
    m.layers = 8, m.hidden = 1024, m.ffn_hidden = 4096, m.heads = 16, m.kv_heads = 4, m.vocab = 32000;
    t.seq_len = 2048;
    t.global_batch_tokens = 2048.0 * 256;
    t.flash_attention = false;
  } else if (which == 1) {
    m.layers = 6, m.hidden = 512, m.ffn_hidden = 2048, m.heads = 8, m.kv_heads = 8, m.vocab = 16000;
    m.attention = workload::Attention::mla;
    m.mla = workload::MlaShape{128, 256, 32, 64};
    m.moe = workload::MoeShape{64, 6, 1, 256, 1};
    m.tied_embeddings = true;
    t.seq_len = 4096;
    t.global_batch_tokens = 4096.0 * 720;
  } else {
    m.layers = 1000, m.hidden = 1024, m.ffn_hidden = 1024, m.heads = 1024, m.kv_heads = 1024, m.vocab = 1000;
    m.attention = workload::Attention::mha;
    m.ffn_type = workload::FfnType::gelu;
    t.seq_len = 8'648'640;  // highly composite: 448 divisors
    t.global_batch_tokens = 8'648'640.0 * 1'080;
  }
  return w;
}

// The same shapes served: prompts, answers and targets fixed.
inline workload::Workload fixed_inference_workload(int which) {
  workload::Workload w = fixed_training_workload(which);
  w.kind = workload::Kind::inference;
  w.precision = which == 1 ? specs::Precision::fp8 : specs::Precision::bf16;
  w.inference.input_tokens = which == 2 ? 1000 : 2048;
  w.inference.output_tokens = which == 2 ? 1000 : 512;
  w.inference.output_tokens_per_s = 1e6;
  w.inference.ttft_ms = 2000;
  w.inference.tpot_ms = 50;
  w.inference.tokens_per_step = which == 1 ? 1.8 : 1.0;
  return w;
}

// True when the chip's rates are at least 1 GFLOP/s and 1 MB/s. The spec
// bounds refuse subnormal values (RESULTS.md, finding 4) but admit any
// positive normal double, and from rates as small as 1e-300 the model's times
// may overflow; below these floors the targets check only for crashes and
// sanitizer reports.
inline bool plausible(const perf::Hardware& hw) {
  return hw.matmul_flops >= 1e9 && hw.attention_flops >= 1e9 && hw.vector_flops >= 1e9 && hw.hbm_bytes_per_s >= 1e6 &&
         hw.scale_up_bytes_per_s >= 1e6 && hw.scale_out_bytes_per_s >= 1e6;
}

// Every number of a training layout that passed the divisibility and batch
// rules is finite (computed with stop_at_memory = false, so also when it does
// not fit).
inline void check_training(const perf::TrainingEstimate& e) {
  if (e.rejection == perf::Rejection::divisibility || e.rejection == perf::Rejection::batch) return;
  const double numbers[] = {e.memory.weights,
                            e.memory.gradients,
                            e.memory.optimizer,
                            e.memory.activations,
                            e.time.compute,
                            e.time.tp_comm,
                            e.time.cp_comm,
                            e.time.ep_comm,
                            e.time.pp_comm,
                            e.time.pp_bubble,
                            e.time.dp_comm,
                            e.time.optimizer,
                            e.step_time_s,
                            e.tokens_per_s,
                            e.tflops_per_chip,
                            e.hardware_tflops_per_chip,
                            e.mfu,
                            e.goodput,
                            e.days};
  for (const double x : numbers) require_finite(x);
  require(e.microbatches >= 1);
  require(e.memory.total() >= 0 && e.step_time_s > 0 && e.goodput > 0 && e.goodput <= 1);
}

// Every number of a serving layout that passed the divisibility rule is
// finite: the memory always, the rates when it fits.
inline void check_inference(const perf::InferenceEstimate& e) {
  if (e.rejection == perf::Rejection::divisibility) return;
  const double memory[] = {e.weights_bytes_per_chip, e.kv_bytes_per_chip, e.memory_bytes_per_chip};
  for (const double x : memory) require_finite(x);
  require(e.weights_bytes_per_chip > 0 && e.kv_bytes_per_chip >= 0);
  if (e.rejection == perf::Rejection::memory) return;
  const double numbers[] = {e.decode_step_s,
                            e.tpot_ms,
                            e.ttft_ms,
                            e.prefill_tokens_per_s_per_chip,
                            e.decode_tokens_per_s_per_chip,
                            e.output_tokens_per_s_per_chip,
                            e.prefill_share};
  for (const double x : numbers) require_finite(x);
  require(e.decode_step_s > 0 && e.prefill_share >= 0 && e.prefill_share <= 1);
}

}  // namespace fuzz
