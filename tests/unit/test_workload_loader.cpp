// workload::loader: the shipped example and calibration workloads load
// cleanly, and bad workload files get every problem reported word for word.

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "util/diagnostics.h"
#include "util/file_system.h"
#include "util/json_reader.h"
#include "workload/loader.h"

using planner::specs::Precision;
using planner::util::Diagnostics;
using planner::util::Json;
using planner::util::MemoryFileSystem;
using planner::util::RealFileSystem;
using namespace planner::workload;

namespace {

// A valid training workload; each test changes the part it is about.
Json training() {
  return Json::parse(R"({
    "kind": "training", "name": "t",
    "model": {"layers": 32, "hidden": 4096, "ffn_hidden": 14336, "heads": 32, "kv_heads": 8,
              "vocab": 128256, "attention": "gqa"},
    "seq_len": 8192, "global_batch_tokens": 4194304, "tokens": 15e12, "precision": "bf16"})");
}

// A valid inference workload.
Json inference() {
  return Json::parse(R"({
    "kind": "inference", "name": "i",
    "model": {"layers": 80, "hidden": 8192, "ffn_hidden": 28672, "heads": 64, "kv_heads": 8,
              "vocab": 128256, "attention": "gqa"},
    "precision": "fp8", "input_tokens": 2048, "output_tokens": 512,
    "demand": {"output_tokens_per_s": 200000}})");
}

// The DeepSeek-V3 model block: MLA and MoE.
Json mla_model() {
  return Json::parse(R"({"layers": 61, "hidden": 7168, "ffn_hidden": 18432, "heads": 128, "kv_heads": 128,
    "vocab": 129280, "attention": "mla",
    "mla": {"kv_lora_rank": 512, "q_lora_rank": 1536, "rope_dim": 64, "head_dim": 128},
    "moe": {"experts": 256, "top_k": 8, "shared_experts": 1, "expert_ffn_hidden": 2048, "dense_layers": 3}})");
}

// Loads `text` as "w.json" from memory; the problems, one line each.
std::string problems_of_text(const std::string& text, std::optional<Workload>* out = nullptr) {
  MemoryFileSystem fs;
  fs.add("w.json", text);
  Diagnostics diagnostics;
  auto workload = load_workload(fs, "w.json", diagnostics);
  CHECK(workload.has_value() == diagnostics.empty());
  if (out) *out = std::move(workload);
  return diagnostics.str();
}

std::string problems(const Json& doc) { return problems_of_text(doc.dump()); }

Workload load_ok(const Json& doc) {
  std::optional<Workload> w;
  CHECK(problems_of_text(doc.dump(), &w) == "");
  REQUIRE(w.has_value());
  return *w;
}

std::vector<std::string> shipped_files(const std::string& dir) {
  return RealFileSystem().json_files_below(std::string(CLUSTERPLAN_SOURCE_DIR) + "/" + dir);
}

}  // namespace

TEST_SUITE("workload::loader") {
  TEST_CASE("every example and calibration workload loads without problems and names its source") {
    const auto examples = shipped_files("examples");
    const auto calibration = shipped_files("tests/calibration");
    CHECK(examples.size() >= 6);
    CHECK(calibration.size() >= 8);
    for (const auto& dir : {examples, calibration}) {
      for (const auto& file : dir) {
        CAPTURE(file);
        Diagnostics diagnostics;
        const auto w = load_workload(RealFileSystem(), file, diagnostics);
        CHECK(diagnostics.str() == "");
        REQUIRE(w.has_value());
        CHECK(!w->source.empty());
        CHECK(!w->description.empty());
        // The name is the file name, so a workload is easy to find from its name.
        CHECK(file.ends_with("/" + w->name + ".json"));
      }
    }
  }

  TEST_CASE("the DeepSeek-V3 example reads MLA and MoE shapes") {
    Diagnostics diagnostics;
    const auto w = load_workload(RealFileSystem(),
                                 std::string(CLUSTERPLAN_SOURCE_DIR) + "/examples/deepseek-v3-pretrain.json",
                                 diagnostics);
    REQUIRE(w.has_value());
    CHECK(w->kind == Kind::training);
    CHECK(w->precision == Precision::fp8);
    CHECK(w->model.attention == Attention::mla);
    REQUIRE(w->model.mla.has_value());
    CHECK(w->model.mla->kv_lora_rank == 512);
    CHECK(w->model.mla->q_lora_rank == 1536);
    CHECK(w->model.head_dim() == 128);  // not 7168 / 128 = 56
    REQUIRE(w->model.moe.has_value());
    CHECK(w->model.moe->experts == 256);
    CHECK(w->model.moe->top_k == 8);
    CHECK(w->model.moe->dense_layers == 3);
    CHECK(w->training.global_batch_tokens == 15360.0 * 4096);
    CHECK(w->training.deadline_days == 60);
  }

  TEST_CASE("defaults: swiglu, untied embeddings, flash attention, one token per step") {
    const auto t = load_ok(training());
    CHECK(t.model.ffn_type == FfnType::swiglu);
    CHECK_FALSE(t.model.tied_embeddings);
    CHECK(t.training.flash_attention);
    CHECK_FALSE(t.training.deadline_days.has_value());
    CHECK_FALSE(t.model.mla.has_value());
    CHECK_FALSE(t.model.moe.has_value());
    CHECK(t.model.head_dim() == 128);
    const auto i = load_ok(inference());
    CHECK(i.inference.tokens_per_step == 1.0);
    CHECK_FALSE(i.inference.ttft_ms.has_value());
    CHECK_FALSE(i.inference.requests_per_s.has_value());
  }

  TEST_CASE("demand in requests is converted with the output length") {
    auto doc = inference();
    doc["demand"] = {{"requests_per_s", 10}};
    CHECK(load_ok(doc).demanded_output_tokens_per_s() == 10 * 512);
    CHECK(load_ok(inference()).demanded_output_tokens_per_s() == 200000);
    CHECK(load_ok(training()).demanded_output_tokens_per_s() == 0);
  }

  TEST_CASE("an out-of-range integer names the path and the range") {
    auto doc = training();
    doc["model"]["layers"] = 0;
    CHECK(problems(doc) == "w.json: /model/layers: 0 is out of range: expected a value in [1, 1000]\n");
  }

  TEST_CASE("a fractional layer count is not a whole number") {
    auto doc = training();
    doc["model"]["layers"] = 32.5;
    CHECK(problems(doc) == "w.json: /model/layers: expected a whole number, got 32.5\n");
  }

  TEST_CASE("hidden must split evenly into heads; the nearest multiples are suggested") {
    auto doc = training();
    doc["model"]["hidden"] = 4100;
    CHECK(problems(doc) ==
          "w.json: /model/hidden: expected a multiple of heads (32), got 4100; the nearest valid values are 4096 "
          "and 4128\n");
  }

  TEST_CASE("hidden smaller than heads has one nearest multiple") {
    auto doc = training();
    doc["model"]["hidden"] = 20;
    CHECK(problems(doc) ==
          "w.json: /model/hidden: expected a multiple of heads (32), got 20; the nearest valid value is 32\n");
  }

  TEST_CASE("kv_heads must divide heads; the nearest divisors are suggested") {
    auto doc = training();
    doc["model"]["kv_heads"] = 12;
    CHECK(problems(doc) ==
          "w.json: /model/kv_heads: expected a divisor of heads (32), got 12; the nearest valid values are 8 and "
          "16\n");
    doc["model"]["kv_heads"] = 64;
    CHECK(problems(doc) ==
          "w.json: /model/kv_heads: expected a divisor of heads (32), got 64; the nearest valid value is 32\n");
  }

  TEST_CASE("MHA needs as many KV heads as query heads") {
    auto doc = training();
    doc["model"]["attention"] = "mha";
    CHECK(problems(doc) ==
          "w.json: /model/kv_heads: expected heads (32) for attention \"mha\", got 8; grouped-query attention is "
          "\"gqa\"\n");
  }

  TEST_CASE("global_batch_tokens must be whole sequences; the nearest batches are suggested") {
    auto doc = training();
    doc["global_batch_tokens"] = 4000000;
    CHECK(problems(doc) ==
          "w.json: /global_batch_tokens: expected a multiple of seq_len (8192), got 4000000; the nearest valid "
          "values are 3997696 (488 sequences) and 4005888 (489 sequences)\n");
    doc["global_batch_tokens"] = 4096;
    CHECK(problems(doc) ==
          "w.json: /global_batch_tokens: expected a multiple of seq_len (8192), got 4096; the nearest valid value is "
          "8192 (1 sequence)\n");
  }

  TEST_CASE("tokens must be positive and cover one optimizer step") {
    auto doc = training();
    doc["tokens"] = 0;
    CHECK(problems(doc) == "w.json: /tokens: 0 is out of range: expected a value in (0, 1e+18]\n");
    doc["tokens"] = 1e6;
    CHECK(problems(doc) ==
          "w.json: /tokens: expected at least global_batch_tokens (4194304), one optimizer step, got 1000000\n");
  }

  TEST_CASE("deadline_days is bounded to ten years") {
    auto doc = training();
    doc["deadline_days"] = 4000;
    CHECK(problems(doc) == "w.json: /deadline_days: 4000 is out of range: expected a value in [0.1, 3650]\n");
  }

  TEST_CASE("attention mla needs the mla block") {
    auto doc = training();
    doc["model"] = mla_model();
    CHECK(problems(doc) == "");
    doc["model"].erase("mla");
    CHECK(problems(doc) ==
          "w.json: /model/mla: required key is missing: attention \"mla\" needs the latent ranks\n");
  }

  TEST_CASE("an mla block is refused with other attention") {
    auto doc = training();
    doc["model"]["mla"] = mla_model()["mla"];
    CHECK(problems(doc) ==
          "w.json: /model/mla: only allowed with attention \"mla\", got attention \"gqa\"\n");
  }

  TEST_CASE("MoE: top_k within experts and at least one MoE layer, reported together") {
    auto doc = training();
    doc["model"] = mla_model();
    doc["model"]["moe"]["top_k"] = 300;
    doc["model"]["moe"]["dense_layers"] = 61;
    CHECK(problems(doc) ==
          "w.json: /model/moe/top_k: expected at most experts (256), got 300\n"
          "w.json: /model/moe/dense_layers: expected fewer than layers (61), got 61; at least one layer must be a "
          "MoE layer\n");
  }

  TEST_CASE("enumerations list their choices and suggest the closest") {
    auto doc = training();
    doc["precision"] = "fp-8";
    doc["model"]["attention"] = "multi-head";
    doc["model"]["ffn_type"] = "relu";
    CHECK(problems(doc) ==
          "w.json: /model/attention: expected one of \"mha\", \"gqa\", \"mla\", got \"multi-head\"\n"
          "w.json: /model/ffn_type: expected one of \"swiglu\", \"gelu\", got \"relu\" (did you mean \"gelu\"?)\n"
          "w.json: /precision: expected one of \"bf16\", \"fp16\", \"fp8\", \"int8\", \"fp4\", got \"fp-8\" (did you "
          "mean \"fp8\"?)\n");
  }

  TEST_CASE("an unknown kind stops the check, since the kind decides which keys belong") {
    auto doc = training();
    doc["kind"] = "trainig";
    doc["model"]["layers"] = 0;
    CHECK(problems(doc) ==
          "w.json: /kind: expected one of \"training\", \"inference\", got \"trainig\" (did you mean "
          "\"training\"?)\n");
  }

  TEST_CASE("names are ids") {
    auto doc = training();
    doc["name"] = "Llama 3 8B";
    CHECK(problems(doc) ==
          "w.json: /name: expected a name of lower-case letters, digits, '-', '.' or '_' (at most 64), got \"Llama "
          "3 8B\"\n");
  }

  TEST_CASE("training keys in an inference file are unknown keys, and the other way round") {
    auto doc = inference();
    doc["seq_len"] = 8192;
    doc["tokens"] = 1e12;
    CHECK(problems(doc) ==
          "w.json: /seq_len: unknown key for kind \"inference\" (it applies to kind \"training\")\n"
          "w.json: /tokens: unknown key for kind \"inference\" (it applies to kind \"training\")\n");
    doc = training();
    doc["slo"] = {{"tpot_ms", 50}};
    CHECK(problems(doc) == "w.json: /slo: unknown key for kind \"training\" (it applies to kind \"inference\")\n");
  }

  TEST_CASE("a misspelt key is unknown, with a hint, and the key it meant is missing") {
    auto doc = training();
    doc.erase("seq_len");
    doc["seq_length"] = 8192;
    CHECK(problems(doc) ==
          "w.json: /seq_len: required key is missing\n"
          "w.json: /seq_length: unknown key (did you mean \"seq_len\"?)\n");
  }

  TEST_CASE("demand takes exactly one of tokens and requests") {
    auto doc = inference();
    doc["demand"]["requests_per_s"] = 400;
    CHECK(problems(doc) ==
          "w.json: /demand: expected one of \"output_tokens_per_s\" and \"requests_per_s\", got both\n");
    doc["demand"] = Json::object();
    CHECK(problems(doc) ==
          "w.json: /demand: expected one of \"output_tokens_per_s\" and \"requests_per_s\", got neither\n");
    doc["demand"] = {{"output_tokens_per_s", 0}};
    CHECK(problems(doc) ==
          "w.json: /demand/output_tokens_per_s: 0 is out of range: expected a value in [1, 1000000000000]\n");
  }

  TEST_CASE("latency targets and tokens per step are bounded") {
    auto doc = inference();
    doc["slo"] = {{"ttft_ms", -5}, {"tpot_ms", 0}, {"tpot", 50}};
    doc["tokens_per_step"] = 10;
    CHECK(problems(doc) ==
          "w.json: /slo/ttft_ms: -5 is out of range: expected a value in (0, 1000000]\n"
          "w.json: /slo/tpot_ms: 0 is out of range: expected a value in (0, 1000000]\n"
          "w.json: /slo/tpot: unknown key (did you mean \"tpot_ms\"?)\n"
          "w.json: /tokens_per_step: 10 is out of range: expected a value in [1, 8]\n");
  }

  TEST_CASE("many problems in one file are reported together, in reading order") {
    auto doc = training();
    doc["name"] = "";
    doc["model"]["vocab"] = "128k";
    doc["model"]["heads"] = 5000;
    doc.erase("precision");
    doc["deadline_days"] = 0;
    doc["flash_attention"] = "yes";
    CHECK(problems(doc) ==
          "w.json: /name: expected a non-empty string\n"
          "w.json: /model/heads: 5000 is out of range: expected a value in [1, 1024]\n"
          "w.json: /model/vocab: expected a whole number, got \"128k\"\n"
          "w.json: /precision: required key is missing\n"
          "w.json: /deadline_days: 0 is out of range: expected a value in [0.1, 3650]\n"
          "w.json: /flash_attention: expected true or false, got \"yes\"\n");
  }

  TEST_CASE("a model that is not an object, and a file that is not JSON") {
    auto doc = inference();
    doc["model"] = 70;
    CHECK(problems(doc) == "w.json: /model: expected an object, got 70\n");
    CHECK(problems_of_text(R"({"kind": "training", "kind": "inference"})") ==
          "w.json: /kind: duplicate key; each key may appear once in an object\n");
  }

  TEST_CASE("a missing file is reported with its path") {
    Diagnostics diagnostics;
    CHECK_FALSE(load_workload(MemoryFileSystem(), "nope.json", diagnostics).has_value());
    CHECK(diagnostics.str() == "nope.json: no such file\n");
  }
}
