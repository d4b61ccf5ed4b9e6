#pragma once
// Reading user JSON into typed structs while collecting every problem with its
// file and JSON path. A loader walks a file with ObjectReaders; each getter
// marks its key as known, checks type and range, and reports what was expected.
// finish() reports the keys nobody asked for, with a "did you mean" hint.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/diagnostics.h"

namespace planner::util {

using Json = nlohmann::json;

class FileSystem;

// Reads the file at `path` and parses it as parse_json does; an unreadable
// file is reported like a parse error, naming the file.
std::optional<Json> read_json_file(const FileSystem& fs, const std::string& path, Diagnostics& diagnostics);

// Parses `text` as strict JSON (no comments, no NaN, no duplicate keys). On
// failure adds one diagnostic for `file` and returns nullopt.
std::optional<Json> parse_json(std::string_view text, const std::string& file, Diagnostics& diagnostics);

// A closed or half-open interval of accepted values, printed in interval
// notation in messages: "[1, 5000]", "(0, 100]".
struct Range {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;

  bool contains(double value) const;
  std::string str() const;
};

enum class Presence { required, optional };

// "~" and "/" escaped as RFC 6901 asks.
std::string json_pointer_append(const std::string& parent, std::string_view key);
std::string json_pointer_append(const std::string& parent, std::size_t index);

// A short rendering of a JSON value for messages: "\"fast\"", "700", "an object".
std::string describe_json(const Json& value);

// Formats a number for messages and tables: shortest form that reads back exactly.
std::string format_number(double value);
// A whole number with thousands separators for messages: 10000000 -> "10,000,000".
std::string format_count(double value);

class ObjectReader {
 public:
  // When `node` is not an object, reports "expected an object" and reads as empty.
  ObjectReader(const Json& node, std::string path, const std::string& file, Diagnostics& diagnostics);

  bool valid() const { return object_ != nullptr; }
  bool has(std::string_view key) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  Diagnostics& diagnostics() const { return *diagnostics_; }
  std::string path_of(std::string_view key) const { return json_pointer_append(path_, key); }
  void error_at(std::string_view key, std::string message) const;

  // The raw member, marking it known; reports a missing required key.
  const Json* member(std::string_view key, Presence presence);

  std::optional<std::string> string(std::string_view key, Presence presence);
  std::optional<double> number(std::string_view key, Presence presence, const Range& range);
  std::optional<std::int64_t> integer(std::string_view key, Presence presence, const Range& range);
  std::optional<bool> boolean(std::string_view key, Presence presence);
  // A string that must be one of `choices`.
  std::optional<std::string> choice(std::string_view key, Presence presence,
                                    const std::vector<std::string>& choices);
  std::optional<ObjectReader> object(std::string_view key, Presence presence);
  // The array member; reports a non-array.
  const Json* array(std::string_view key, Presence presence);

  // Reports every key that no getter asked for.
  void finish() const;

 private:
  const Json* object_ = nullptr;
  std::string path_;
  const std::string* file_;
  Diagnostics* diagnostics_;
  std::vector<std::string> known_;
};

// Checks a number read from anywhere against a range; reports at `path`.
bool check_range(double value, const Range& range, const std::string& file, const std::string& path,
                 Diagnostics& diagnostics);

}  // namespace planner::util
