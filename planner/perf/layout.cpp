#include "perf/layout.h"

#include <charconv>
#include <set>

#include <fmt/format.h>

#include "util/spellcheck.h"

namespace planner::perf {

namespace {

// The largest value any count in a layout may take: no job uses more chips.
constexpr int kMaxLayoutValue = 10'000'000;

struct Pair {
  std::string key;
  std::string value;
};

std::vector<Pair> split_pairs(std::string_view spec, std::vector<std::string>& errors) {
  std::vector<Pair> out;
  if (spec.empty()) return out;
  std::set<std::string> seen;
  std::size_t start = 0;
  for (bool more = true; more;) {
    const std::size_t comma = spec.find(',', start);
    more = comma != std::string_view::npos;
    const std::string_view item = spec.substr(start, more ? comma - start : std::string_view::npos);
    start = comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      errors.push_back(fmt::format("\"{}\": expected key=value", item));
      continue;
    }
    Pair p{std::string(item.substr(0, eq)), std::string(item.substr(eq + 1))};
    if (!seen.insert(p.key).second) {
      errors.push_back(fmt::format("{}: given twice", p.key));
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int> parse_count(const Pair& p, std::vector<std::string>& errors, int min = 1) {
  int value = 0;
  const auto* first = p.value.data();
  const auto* last = first + p.value.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || value < min || value > kMaxLayoutValue) {
    errors.push_back(fmt::format("{}={}: expected a whole number from {} to {}", p.key, p.value, min, kMaxLayoutValue));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_switch(const Pair& p, std::vector<std::string>& errors) {
  if (p.value == "on") return true;
  if (p.value == "off") return false;
  errors.push_back(fmt::format("{}={}: expected on or off", p.key, p.value));
  return std::nullopt;
}

// `off_value` -> false, `on_value` -> true.
std::optional<bool> parse_pair(const Pair& p, std::string_view off_value, std::string_view on_value,
                               std::vector<std::string>& errors) {
  if (p.value == on_value) return true;
  if (p.value == off_value) return false;
  errors.push_back(fmt::format("{}={}: expected {} or {}", p.key, p.value, off_value, on_value));
  return std::nullopt;
}

void unknown_key(const Pair& p, const std::vector<std::string>& keys, std::vector<std::string>& errors) {
  errors.push_back(fmt::format("unknown key \"{}\"{}; expected one of {}", p.key, util::did_you_mean(p.key, keys),
                               fmt::join(keys, ", ")));
}

}  // namespace

std::string_view to_string(Recompute r) {
  switch (r) {
    case Recompute::none: return "none";
    case Recompute::selective: return "selective";
    case Recompute::full: return "full";
  }
  return "none";
}

std::string TrainingLayout::str() const {
  std::string out = fmt::format("tp={},pp={},dp={},cp={},ep={},mb={},vp={},recompute={},sp={},zero={}", tp, pp, dp,
                                cp, ep, mb, vp, to_string(recompute), sp ? "on" : "off", zero);
  if (etp > 1) out += fmt::format(",etp={}", etp);
  if (fp8_activations) out += ",act=fp8";
  if (bf16_moments) out += ",moments=bf16";
  if (!a2a_overlap) out += ",a2a_overlap=off";
  if (schedule == Schedule::dualpipe) out += ",schedule=dualpipe";
  return out;
}

std::string InferenceLayout::str() const {
  std::string out = fmt::format("tp={},ep={},batch={},disagg={}", tp, ep, batch, disagg ? "on" : "off");
  if (redundant_experts > 0) out += fmt::format(",redundant={}", redundant_experts);
  if (chunk > 0) out += fmt::format(",chunk={}", chunk);
  return out;
}

TrainingPins parse_training_layout(std::string_view spec, std::vector<std::string>& errors) {
  static const std::vector<std::string> keys = {"tp",   "pp", "dp", "cp",  "ep", "etp",      "mb",         "vp",
                                                "recompute", "sp", "zero", "act", "moments", "a2a_overlap", "schedule"};
  TrainingPins pins;
  for (const auto& p : split_pairs(spec, errors)) {
    if (p.key == "tp") pins.tp = parse_count(p, errors);
    else if (p.key == "pp") pins.pp = parse_count(p, errors);
    else if (p.key == "dp") pins.dp = parse_count(p, errors);
    else if (p.key == "cp") pins.cp = parse_count(p, errors);
    else if (p.key == "ep") pins.ep = parse_count(p, errors);
    else if (p.key == "etp") pins.etp = parse_count(p, errors);
    else if (p.key == "mb") pins.mb = parse_count(p, errors);
    else if (p.key == "vp") pins.vp = parse_count(p, errors);
    else if (p.key == "sp") pins.sp = parse_switch(p, errors);
    else if (p.key == "a2a_overlap") pins.a2a_overlap = parse_switch(p, errors);
    else if (p.key == "act") pins.fp8_activations = parse_pair(p, "bf16", "fp8", errors);
    else if (p.key == "moments") pins.bf16_moments = parse_pair(p, "fp32", "bf16", errors);
    else if (p.key == "schedule") {
      if (const auto dualpipe = parse_pair(p, "1f1b", "dualpipe", errors))
        pins.schedule = *dualpipe ? Schedule::dualpipe : Schedule::one_f_one_b;
    }
    else if (p.key == "zero") {
      if (p.value.size() == 1 && p.value[0] >= '0' && p.value[0] <= '3') pins.zero = p.value[0] - '0';
      else errors.push_back(fmt::format("zero={}: expected 0, 1, 2 or 3", p.value));
    } else if (p.key == "recompute") {
      if (p.value == "none") pins.recompute = Recompute::none;
      else if (p.value == "selective") pins.recompute = Recompute::selective;
      else if (p.value == "full") pins.recompute = Recompute::full;
      else errors.push_back(fmt::format("recompute={}: expected none, selective or full", p.value));
    } else {
      unknown_key(p, keys, errors);
    }
  }
  return pins;
}

InferencePins parse_inference_layout(std::string_view spec, std::vector<std::string>& errors) {
  static const std::vector<std::string> keys = {"tp", "ep", "batch", "disagg", "redundant", "chunk"};
  InferencePins pins;
  for (const auto& p : split_pairs(spec, errors)) {
    if (p.key == "tp") pins.tp = parse_count(p, errors);
    else if (p.key == "ep") pins.ep = parse_count(p, errors);
    else if (p.key == "batch") pins.batch = parse_count(p, errors);
    else if (p.key == "disagg") pins.disagg = parse_switch(p, errors);
    else if (p.key == "redundant") pins.redundant = parse_count(p, errors, 0);
    else if (p.key == "chunk") pins.chunk = parse_count(p, errors);
    else unknown_key(p, keys, errors);
  }
  return pins;
}

}  // namespace planner::perf
