#include "workload/loader.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "specs/loader.h"
#include "util/countries.h"
#include "util/spellcheck.h"
#include "workload/bounds.h"

namespace planner::workload {

using util::Json;
using util::ObjectReader;
using util::Presence;
namespace b = bounds;

namespace {

// Keys that only one kind of workload reads; the other kind reports them.
const std::vector<std::string> kTrainingKeys = {"seq_len", "global_batch_tokens", "tokens", "deadline_days",
                                                "flash_attention"};
const std::vector<std::string> kInferenceKeys = {"input_tokens",    "output_tokens",   "demand",
                                                 "slo",             "tokens_per_step", "draft_tokens",
                                                 "draft_layers",    "prefix_cache_hit_rate", "kv_precision",
                                                 "expert_precision", "users_in",       "serve_abroad", "attention_precision"};

template <typename Enum, std::size_t N>
std::vector<std::string> names(const std::array<Enum, N>& values) {
  std::vector<std::string> out;
  for (const auto v : values) out.emplace_back(to_string(v));
  return out;
}

constexpr std::array kAttentions{Attention::mha, Attention::gqa, Attention::mla};
constexpr std::array kFfnTypes{FfnType::swiglu, FfnType::gelu};
constexpr std::array kKinds{Kind::training, Kind::inference};
constexpr std::array kPrecisions{specs::Precision::bf16, specs::Precision::fp16, specs::Precision::fp8,
                                 specs::Precision::int8, specs::Precision::fp4};

// Reads a choice among the names of `values` and returns the matching value.
template <typename Enum, std::size_t N>
std::optional<Enum> read_enum(ObjectReader& r, std::string_view key, Presence presence,
                              const std::array<Enum, N>& values) {
  const auto text = r.choice(key, presence, names(values));
  if (!text) return std::nullopt;
  for (const auto v : values)
    if (to_string(v) == *text) return v;
  return std::nullopt;
}

// An integer that fits an int; 0 when missing or reported.
int read_int(ObjectReader& r, std::string_view key, const util::Range& range,
             Presence presence = Presence::required) {
  return static_cast<int>(r.integer(key, presence, range).value_or(0));
}

// "16256 and 16384": the multiples of `step` on either side of `value`
// (only the upper one when the lower is 0), each followed by `label(multiple)`.
template <typename Label>
std::string nearest_multiples(std::int64_t value, std::int64_t step, Label label) {
  const std::int64_t lower = value / step * step;
  const std::int64_t upper = lower + step;
  if (lower == 0) return fmt::format("the nearest valid value is {}{}", upper, label(upper));
  return fmt::format("the nearest valid values are {}{} and {}{}", lower, label(lower), upper, label(upper));
}

std::string no_label(std::int64_t) { return ""; }

// The divisors of `n` nearest to `wanted` from below and above.
std::string nearest_divisors(int n, int wanted) {
  int lower = std::min(wanted, n);
  while (n % lower != 0) --lower;
  int upper = wanted;
  while (upper <= n && n % upper != 0) ++upper;
  if (upper > n || upper == lower) return fmt::format("the nearest valid value is {}", lower);
  return fmt::format("the nearest valid values are {} and {}", lower, upper);
}

std::string read_name(ObjectReader& r) {
  auto name = r.string("name", Presence::required);
  if (name && !specs::is_valid_id(*name)) {
    r.error_at("name", "expected a name of lower-case letters, digits, '-', '.' or '_' (at most 64), got \"" +
                           *name + "\"");
    return {};
  }
  return name.value_or("");
}

void read_mla(ObjectReader& r, ModelShape& m, std::optional<Attention> attention) {
  const bool wanted = attention == Attention::mla;
  if (!r.has("mla")) {
    if (wanted) r.error_at("mla", "required key is missing: attention \"mla\" needs the latent ranks");
    return;
  }
  if (attention && !wanted) {
    r.member("mla", Presence::optional);
    r.error_at("mla", fmt::format("only allowed with attention \"mla\", got attention \"{}\"", to_string(*attention)));
    return;
  }
  auto o = r.object("mla", Presence::optional);
  if (!o) return;
  MlaShape s;
  s.kv_lora_rank = read_int(*o, "kv_lora_rank", b::kLoraRank);
  s.q_lora_rank = read_int(*o, "q_lora_rank", b::kLoraRank, Presence::optional);
  s.rope_dim = read_int(*o, "rope_dim", b::kMlaHeadDim);
  s.head_dim = read_int(*o, "head_dim", b::kMlaHeadDim);
  o->finish();
  m.mla = s;
}

void read_moe(ObjectReader& r, ModelShape& m) {
  auto o = r.object("moe", Presence::optional);
  if (!o) return;
  MoeShape s;
  s.experts = read_int(*o, "experts", b::kExperts);
  s.top_k = read_int(*o, "top_k", b::kExperts);
  s.shared_experts = read_int(*o, "shared_experts", b::kSharedExperts, Presence::optional);
  s.expert_ffn_hidden = read_int(*o, "expert_ffn_hidden", b::kFfnHidden);
  s.dense_layers = read_int(*o, "dense_layers", b::kDenseLayers, Presence::optional);
  s.capacity_factor = o->number("capacity_factor", Presence::optional, b::kCapacityFactor).value_or(0);
  if (s.experts > 0 && s.top_k > s.experts)
    o->error_at("top_k", fmt::format("expected at most experts ({}), got {}", s.experts, s.top_k));
  if (m.layers > 0 && s.dense_layers >= m.layers)
    o->error_at("dense_layers", fmt::format("expected fewer than layers ({}), got {}; at least one layer must be "
                                            "a MoE layer",
                                            m.layers, s.dense_layers));
  o->finish();
  m.moe = s;
}

// Heads against KV heads and hidden; each value checked only when it was read.
void check_heads(ObjectReader& r, const ModelShape& m, std::optional<Attention> attention) {
  if (m.heads <= 0) return;
  if (m.hidden > 0 && attention != Attention::mla && m.hidden % m.heads != 0)
    r.error_at("hidden", fmt::format("expected a multiple of heads ({}), got {}; {}", m.heads, m.hidden,
                                     nearest_multiples(m.hidden, m.heads, no_label)));
  if (m.kv_heads > 0 && attention == Attention::mha && m.kv_heads != m.heads) {
    r.error_at("kv_heads", fmt::format("expected heads ({}) for attention \"mha\", got {}; grouped-query attention "
                                       "is \"gqa\"",
                                       m.heads, m.kv_heads));
  } else if (m.kv_heads > 0 && m.heads % m.kv_heads != 0) {
    r.error_at("kv_heads", fmt::format("expected a divisor of heads ({}), got {}; {}", m.heads, m.kv_heads,
                                       nearest_divisors(m.heads, m.kv_heads)));
  }
}

void read_model(ObjectReader& parent, ModelShape& m) {
  auto r = parent.object("model", Presence::required);
  if (!r) return;
  m.layers = read_int(*r, "layers", b::kLayers);
  m.hidden = read_int(*r, "hidden", b::kHidden);
  m.ffn_hidden = read_int(*r, "ffn_hidden", b::kFfnHidden);
  m.heads = read_int(*r, "heads", b::kHeads);
  m.kv_heads = read_int(*r, "kv_heads", b::kHeads);
  m.vocab = read_int(*r, "vocab", b::kVocab);
  const auto attention = read_enum(*r, "attention", Presence::required, kAttentions);
  m.attention = attention.value_or(Attention::gqa);
  m.ffn_type = read_enum(*r, "ffn_type", Presence::optional, kFfnTypes).value_or(FfnType::swiglu);
  m.tied_embeddings = r->boolean("tied_embeddings", Presence::optional).value_or(false);
  m.mtp_layers = read_int(*r, "mtp_layers", b::kMtpLayers, Presence::optional);
  m.attention_head_dim = read_int(*r, "head_dim", b::kMlaHeadDim, Presence::optional);
  if (m.attention_head_dim > 0 && attention == Attention::mla)
    r->error_at("head_dim", "expected mla.head_dim for attention \"mla\", got a model-level head_dim");
  check_heads(*r, m, attention);
  read_mla(*r, m, attention);
  read_moe(*r, m);
  r->finish();
}

void read_training(ObjectReader& r, TrainingJob& t) {
  t.seq_len = read_int(r, "seq_len", b::kSeqLen);
  const auto batch = r.integer("global_batch_tokens", Presence::required, b::kGlobalBatchTokens);
  t.tokens = r.number("tokens", Presence::required, b::kTokens).value_or(0);
  t.deadline_days = r.number("deadline_days", Presence::optional, b::kDeadlineDays);
  t.flash_attention = r.boolean("flash_attention", Presence::optional).value_or(true);
  if (!batch) return;
  t.global_batch_tokens = static_cast<double>(*batch);
  const std::int64_t seq_len = t.seq_len;
  if (seq_len > 0 && *batch % seq_len != 0) {
    const auto sequences = [&](std::int64_t tokens) {
      const std::int64_t n = tokens / seq_len;
      return fmt::format(" ({} sequence{})", n, n == 1 ? "" : "s");
    };
    r.error_at("global_batch_tokens", fmt::format("expected a multiple of seq_len ({}), got {}; {}", seq_len, *batch,
                                                  nearest_multiples(*batch, seq_len, sequences)));
  }
  if (t.tokens > 0 && t.tokens < t.global_batch_tokens)
    r.error_at("tokens", fmt::format("expected at least global_batch_tokens ({}), one optimizer step, got {}", *batch,
                                     util::format_number(t.tokens)));
}

void read_demand(ObjectReader& parent, InferenceJob& j) {
  auto r = parent.object("demand", Presence::required);
  if (!r) return;
  j.output_tokens_per_s = r->number("output_tokens_per_s", Presence::optional, b::kOutputTokensPerS);
  j.requests_per_s = r->number("requests_per_s", Presence::optional, b::kRequestsPerS);
  const bool tokens = r->has("output_tokens_per_s");
  const bool requests = r->has("requests_per_s");
  if (tokens && requests)
    parent.error_at("demand", "expected one of \"output_tokens_per_s\" and \"requests_per_s\", got both");
  else if (!tokens && !requests)
    parent.error_at("demand", "expected one of \"output_tokens_per_s\" and \"requests_per_s\", got neither");
  r->finish();
}

// "users_in": ["CN"] and "serve_abroad": true: where a serving workload's users are.
void read_users(ObjectReader& r, InferenceJob& j) {
  j.serve_abroad = r.boolean("serve_abroad", Presence::optional).value_or(false);
  const Json* list = r.array("users_in", Presence::optional);
  if (!list) return;
  if (list->empty()) r.error_at("users_in", "expected at least one country code; leave the key out for the buyer's country");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (item.is_string() && util::is_country_code(item.get<std::string>())) {
      j.users_in.push_back(item.get<std::string>());
      continue;
    }
    r.diagnostics().error(r.file(), util::json_pointer_append(r.path_of("users_in"), i),
                          "expected an ISO 3166-1 alpha-2 country code such as \"CN\", got " + util::describe_json(item));
  }
}

void read_inference(ObjectReader& r, InferenceJob& j) {
  j.input_tokens = read_int(r, "input_tokens", b::kRequestTokens);
  j.output_tokens = read_int(r, "output_tokens", b::kRequestTokens);
  read_demand(r, j);
  if (auto slo = r.object("slo", Presence::optional)) {
    j.ttft_ms = slo->number("ttft_ms", Presence::optional, b::kLatencyMs);
    j.tpot_ms = slo->number("tpot_ms", Presence::optional, b::kLatencyMs);
    slo->finish();
  }
  j.tokens_per_step = r.number("tokens_per_step", Presence::optional, b::kTokensPerStep).value_or(1.0);
  const int least_drafts = static_cast<int>(std::ceil(j.tokens_per_step)) - 1;
  j.draft_tokens = r.has("draft_tokens") ? read_int(r, "draft_tokens", b::kDraftTokens) : least_drafts;
  if (j.draft_tokens < least_drafts)
    r.error_at("draft_tokens", fmt::format("expected at least {} for tokens_per_step {} (a step accepts at most "
                                           "1 + draft_tokens tokens), got {}",
                                           least_drafts, util::format_number(j.tokens_per_step), j.draft_tokens));
  j.draft_layers = r.number("draft_layers", Presence::optional, b::kDraftLayers).value_or(1.0);
  j.prefix_cache_hit_rate = r.number("prefix_cache_hit_rate", Presence::optional, b::kHitRate).value_or(0.0);
  j.kv_precision = read_enum(r, "kv_precision", Presence::optional, kPrecisions).value_or(specs::Precision::bf16);
  j.expert_precision = read_enum(r, "expert_precision", Presence::optional, kPrecisions);
  read_users(r, j);
  j.attention_precision =
      read_enum(r, "attention_precision", Presence::optional, kPrecisions).value_or(specs::Precision::bf16);
}

// Reports the keys that belong to the other kind of workload.
void reject_other_kind(ObjectReader& r, Kind kind) {
  const Kind other = kind == Kind::training ? Kind::inference : Kind::training;
  for (const auto& key : kind == Kind::training ? kInferenceKeys : kTrainingKeys) {
    if (!r.has(key)) continue;
    r.member(key, Presence::optional);
    r.error_at(key, fmt::format("unknown key for kind \"{}\" (it applies to kind \"{}\")", to_string(kind),
                                to_string(other)));
  }
}

}  // namespace

namespace {

// An optional array of ids ("chips", "sites"); whether they exist is checked
// against the catalog by the command that plans.
std::vector<std::string> read_id_list(ObjectReader& r, std::string_view key) {
  std::vector<std::string> out;
  const Json* list = r.array(key, Presence::optional);
  if (!list) return out;
  if (list->empty()) r.error_at(key, "expected at least one id; leave the key out to allow any");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    const std::string path = util::json_pointer_append(r.path_of(key), i);
    if (!item.is_string() || !specs::is_valid_id(item.get<std::string>()))
      r.diagnostics().error(r.file(), path, "expected an id such as \"h200-sxm\" or \"cn-gansu\", got " +
                                                util::describe_json(item));
    else out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

bool is_workload_kind(std::string_view kind) {
  return kind == kKindTraining || kind == kKindInference;
}

std::optional<Workload> read_workload(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  // The kind decides which keys belong in the file; without it nothing more can be checked.
  const auto kind = read_enum(r, "kind", Presence::required, kKinds);
  if (!kind) return std::nullopt;
  Workload w;
  w.file = file;
  w.kind = *kind;
  w.name = read_name(r);
  w.description = r.string("description", Presence::optional).value_or("");
  w.source = r.string("source", Presence::optional).value_or("");
  read_model(r, w.model);
  w.precision = read_enum(r, "precision", Presence::required, kPrecisions).value_or(specs::Precision::bf16);
  if (w.kind == Kind::training) read_training(r, w.training);
  else read_inference(r, w.inference);
  w.chips = read_id_list(r, "chips");
  w.sites = read_id_list(r, "sites");
  reject_other_kind(r, w.kind);
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return w;
}

std::optional<Workload> load_workload(const util::FileSystem& fs, const std::string& path,
                                      util::Diagnostics& diagnostics) {
  const auto doc = util::read_json_file(fs, path, diagnostics);
  if (!doc) return std::nullopt;
  return read_workload(*doc, path, diagnostics);
}

void check_workload_ids(const Workload& workload, const std::vector<std::string>& chip_ids,
                        const std::vector<std::string>& site_ids, util::Diagnostics& diagnostics) {
  const auto check = [&](const std::vector<std::string>& ids, const std::vector<std::string>& known, const char* key,
                         const char* what) {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (std::find(known.begin(), known.end(), ids[i]) == known.end())
        diagnostics.error(workload.file, util::json_pointer_append(std::string("/") + key, i),
                          fmt::format("unknown {} \"{}\"{}", what, ids[i], util::did_you_mean(ids[i], known)));
  };
  check(workload.chips, chip_ids, "chips", "accelerator or system");
  check(workload.sites, site_ids, "sites", "site");
}

}  // namespace planner::workload
