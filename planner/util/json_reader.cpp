#include "util/json_reader.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_set>

#include <fmt/format.h>

#include "util/file_system.h"
#include "util/spellcheck.h"

namespace planner::util {

namespace {

// Tracks where the parser is, so a duplicate key can be reported with its path.
struct ParseFrame {
  bool is_array = false;
  std::size_t next_index = 0;
  std::string key;
  // Hashes of the keys seen: a set of the keys themselves doubled the memory
  // of a file of millions of keys. Two keys with the same 64-bit hash are
  // reported as a duplicate; for a million keys that happens once in ~10^7 files.
  std::unordered_set<std::size_t> keys;
};

std::string current_pointer(const std::vector<ParseFrame>& frames) {
  std::string out;
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    const auto& f = frames[i];
    out = f.is_array ? json_pointer_append(out, f.next_index - 1) : json_pointer_append(out, f.key);
  }
  return out;
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at ...";
// users need the part after the bracket.
std::string strip_exception_prefix(std::string message) {
  if (message.starts_with("[json.exception.")) {
    if (const auto end = message.find("] "); end != std::string::npos) message.erase(0, end + 2);
  }
  return message;
}

// Deepest nesting of arrays and objects accepted. No data file nests more
// than 6 deep; nlohmann's parser keeps a frame per level, so 40 MB of "["
// used to take 8 GB (issue 13).
constexpr std::size_t kMaxDepth = 512;

std::string line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return fmt::format("line {}, column {}", line, column);
}

// A file with NUL bytes is no JSON text; say what it probably is instead.
std::optional<std::string> nul_problem(std::string_view text) {
  const std::size_t nul = text.find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  const bool bom = text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
  if (bom || nul < 2)
    return std::string("the file looks like UTF-16 or UTF-32 (NUL bytes between the characters); save it as UTF-8");
  return fmt::format("a NUL byte at {} (offset {}): JSON text has none; is it a binary file, or padded with NULs?",
                     line_column(text, nul), nul);
}

// Most values (array elements, object members, arrays and objects) in one
// file. The largest bundled file has about 2,000; a policy of 100,000 rules
// about 1.5 million. nlohmann's tree takes 16 to 150 bytes per value, so this
// keeps a file's tree under about 400 MB whatever its shape (60 MB of "0,"
// took 945 MB).
constexpr std::size_t kMaxValues = 2'000'000;

struct Shape {
  std::optional<std::size_t> too_deep_at;  // offset where nesting passes kMaxDepth
  std::size_t values = 1;
};

// Nesting depth and value count, strings skipped, stopping where nesting passes kMaxDepth.
Shape measure(std::string_view text) {
  Shape shape;
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++shape.values;
      if (++depth > kMaxDepth) {
        shape.too_deep_at = i;
        return shape;
      }
    } else if (c == ',') {
      ++shape.values;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return shape;
}

}  // namespace

std::optional<Json> parse_json(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    diagnostics.error(file, "", "file is empty, expected a JSON object");
    return std::nullopt;
  }
  if (const auto problem = nul_problem(text)) {
    diagnostics.error(file, "", "invalid JSON: " + *problem);
    return std::nullopt;
  }
  const Shape shape = measure(text);
  if (shape.too_deep_at) {
    diagnostics.error(file, "", fmt::format("invalid JSON: arrays and objects nested more than {} deep at {}",
                                            kMaxDepth, line_column(text, *shape.too_deep_at)));
    return std::nullopt;
  }
  if (shape.values > kMaxValues) {
    diagnostics.error(file, "", fmt::format("too many values: about {} numbers, strings, arrays and objects, at "
                                            "most {} are read from one file",
                                            format_count(static_cast<double>(shape.values)),
                                            format_count(static_cast<double>(kMaxValues))));
    return std::nullopt;
  }
  std::vector<ParseFrame> frames;
  std::optional<std::string> duplicate;
  auto track = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    using E = Json::parse_event_t;
    const bool starts_value = event == E::object_start || event == E::array_start || event == E::value;
    if (starts_value && !frames.empty() && frames.back().is_array) ++frames.back().next_index;
    switch (event) {
      case E::object_start: frames.push_back({}); break;
      case E::array_start: frames.push_back({true, 0, {}, {}}); break;
      case E::object_end:
      case E::array_end: frames.pop_back(); break;
      case E::key: {
        auto& frame = frames.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(std::hash<std::string>{}(frame.key)).second && !duplicate) {
          frames.push_back({});  // so that current_pointer includes this key
          duplicate = current_pointer(frames);
          frames.pop_back();
        }
        break;
      }
      case E::value: break;
    }
    return true;
  };
  try {
    Json parsed = Json::parse(text.begin(), text.end(), track, /*allow_exceptions=*/true,
                              /*ignore_comments=*/false);
    if (duplicate) {
      diagnostics.error(file, *duplicate, "duplicate key; each key may appear once in an object");
      return std::nullopt;
    }
    return parsed;
  } catch (const Json::exception& e) {
    diagnostics.error(file, "", "invalid JSON: " + strip_exception_prefix(e.what()));
    return std::nullopt;
  }
}

std::optional<Json> read_json_file(const FileSystem& fs, const std::string& path, Diagnostics& diagnostics) {
  std::string error;
  const auto text = fs.read(path, error);
  if (!text) {
    diagnostics.error(path, "", error);
    return std::nullopt;
  }
  return parse_json(*text, path, diagnostics);
}

bool Range::contains(double value) const {
  if (!std::isfinite(value)) return false;
  // Subnormal numbers (below ~2.2e-308) pass an open zero bound but underflow
  // to 0 in the first division downstream, turning step times into NaN
  // (found by fuzzing, tests/fuzz/RESULTS.md finding 4).
  if (value != 0 && !std::isnormal(value)) return false;
  if (min_exclusive ? value <= min : value < min) return false;
  return value <= max;
}

std::string Range::str() const {
  return fmt::format("{}{}, {}]", min_exclusive ? "(" : "[", format_number(min), format_number(max));
}

std::string json_pointer_append(const std::string& parent, std::string_view key) {
  std::string out = parent + "/";
  for (const char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string json_pointer_append(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

std::string format_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

std::string format_count(double value) {
  if (!std::isfinite(value)) return "n/a";
  std::string digits = fmt::format("{:.0f}", std::fabs(value));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return (value <= -0.5 ? "-" : "") + digits;
}

std::string describe_json(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::null: return "null";
    case Json::value_t::number_float: return format_number(value.get<double>());
    case Json::value_t::string: {
      std::string text = value.dump();
      if (text.size() > 42) {
        // Cut at the start of a UTF-8 character: half a character is invalid
        // UTF-8, which nlohmann refuses to dump (validate --format json).
        std::size_t cut = 39;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text = text.substr(0, cut) + "...\"";
      }
      return text;
    }
    default: return value.dump();
  }
}

bool check_range(double value, const Range& range, const std::string& file, const std::string& path,
                 Diagnostics& diagnostics) {
  if (range.contains(value)) return true;
  const bool subnormal = std::isfinite(value) && value != 0 && !std::isnormal(value);
  diagnostics.error(file, path, fmt::format("{} is out of range: expected a value in {}{}", format_number(value),
                                            range.str(), subnormal ? " (too small to compute with)" : ""));
  return false;
}

ObjectReader::ObjectReader(const Json& node, std::string path, const std::string& file, Diagnostics& diagnostics)
    : path_(std::move(path)), file_(&file), diagnostics_(&diagnostics) {
  if (node.is_object()) object_ = &node;
  else diagnostics.error(file, path_, "expected an object, got " + describe_json(node));
}

bool ObjectReader::has(std::string_view key) const {
  return object_ && object_->contains(key);
}

void ObjectReader::error_at(std::string_view key, std::string message) const {
  diagnostics_->error(*file_, path_of(key), std::move(message));
}

const Json* ObjectReader::member(std::string_view key, Presence presence) {
  known_.emplace_back(key);
  if (!object_) return nullptr;
  const auto it = object_->find(key);
  if (it == object_->end()) {
    if (presence == Presence::required) error_at(key, "required key is missing");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> ObjectReader::string(std::string_view key, Presence presence) {
  const Json* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    error_at(key, "expected a string, got " + describe_json(*value));
    return std::nullopt;
  }
  auto text = value->get<std::string>();
  if (text.empty()) {
    error_at(key, "expected a non-empty string");
    return std::nullopt;
  }
  return text;
}

std::optional<double> ObjectReader::number(std::string_view key, Presence presence, const Range& range) {
  const Json* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    error_at(key, "expected a number, got " + describe_json(*value));
    return std::nullopt;
  }
  const double number = value->get<double>();
  if (!check_range(number, range, *file_, path_of(key), *diagnostics_)) return std::nullopt;
  return number;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, Presence presence, const Range& range) {
  const Json* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_number() || value->get<double>() != std::floor(value->get<double>())) {
    error_at(key, "expected a whole number, got " + describe_json(*value));
    return std::nullopt;
  }
  const double number = value->get<double>();
  if (!check_range(number, range, *file_, path_of(key), *diagnostics_)) return std::nullopt;
  return static_cast<std::int64_t>(number);
}

std::optional<bool> ObjectReader::boolean(std::string_view key, Presence presence) {
  const Json* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) {
    error_at(key, "expected true or false, got " + describe_json(*value));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<std::string> ObjectReader::choice(std::string_view key, Presence presence,
                                                const std::vector<std::string>& choices) {
  auto text = string(key, presence);
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
  error_at(key, fmt::format("expected one of {}, got \"{}\"{}", list, *text, did_you_mean(*text, choices)));
  return std::nullopt;
}

std::optional<ObjectReader> ObjectReader::object(std::string_view key, Presence presence) {
  const Json* value = member(key, presence);
  if (!value) return std::nullopt;
  ObjectReader child(*value, path_of(key), *file_, *diagnostics_);
  if (!child.valid()) return std::nullopt;
  return child;
}

const Json* ObjectReader::array(std::string_view key, Presence presence) {
  const Json* value = member(key, presence);
  if (!value) return nullptr;
  if (!value->is_array()) {
    error_at(key, "expected an array, got " + describe_json(*value));
    return nullptr;
  }
  return value;
}

void ObjectReader::finish() const {
  if (!object_) return;
  for (const auto& [key, _] : object_->items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    error_at(key, "unknown key" + did_you_mean(key, known_));
  }
}

}  // namespace planner::util
