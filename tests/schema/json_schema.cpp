#include "json_schema.h"

#include <algorithm>
#include <regex>
#include <set>

namespace schema_check {

using nlohmann::json;

namespace {

const std::set<std::string> kKeywords = {
    "$schema", "$id", "title", "description", "$comment", "$defs", "type", "enum", "const", "properties",
    "required", "additionalProperties", "items", "minItems", "minimum", "maximum", "exclusiveMinimum", "minLength",
    "pattern", "$ref", "allOf", "anyOf", "oneOf", "if", "then", "else"};

bool has_type(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "number") return value.is_number();
  if (type == "integer")
    return value.is_number_integer() || (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
  return false;
}

class Checker {
 public:
  explicit Checker(const json& root) : root_(root) {}

  void check(const json& s, const json& v, const std::string& path, std::vector<std::string>& out) const {
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back(path + ": not allowed here");
      return;
    }
    if (s.contains("$ref")) check(resolve(s["$ref"].get<std::string>()), v, path, out);
    if (s.contains("type")) check_type(s["type"], v, path, out);
    if (s.contains("enum") && std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end())
      out.push_back(path + ": " + v.dump() + " is not one of " + s["enum"].dump());
    if (s.contains("const") && s["const"] != v) out.push_back(path + ": expected " + s["const"].dump() + ", got " + v.dump());
    if (v.is_number()) check_number(s, v.get<double>(), path, out);
    if (v.is_string()) check_string(s, v.get<std::string>(), path, out);
    if (v.is_object()) check_object(s, v, path, out);
    if (v.is_array()) check_array(s, v, path, out);
    check_combinators(s, v, path, out);
  }

 private:
  const json& resolve(const std::string& ref) const {
    static const std::string prefix = "#/$defs/";
    if (!ref.starts_with(prefix) || !root_.contains("$defs") || !root_["$defs"].contains(ref.substr(prefix.size())))
      throw std::runtime_error("unresolvable $ref " + ref);
    return root_["$defs"][ref.substr(prefix.size())];
  }

  static void check_type(const json& t, const json& v, const std::string& path, std::vector<std::string>& out) {
    const std::vector<std::string> types = t.is_array() ? t.get<std::vector<std::string>>() : std::vector{t.get<std::string>()};
    if (std::none_of(types.begin(), types.end(), [&](const std::string& x) { return has_type(v, x); }))
      out.push_back(path + ": expected type " + t.dump() + ", got " + v.dump().substr(0, 60));
  }

  static void check_number(const json& s, double x, const std::string& path, std::vector<std::string>& out) {
    if (s.contains("minimum") && x < s["minimum"].get<double>()) out.push_back(path + ": below minimum " + s["minimum"].dump());
    if (s.contains("maximum") && x > s["maximum"].get<double>()) out.push_back(path + ": above maximum " + s["maximum"].dump());
    if (s.contains("exclusiveMinimum") && x <= s["exclusiveMinimum"].get<double>())
      out.push_back(path + ": not above " + s["exclusiveMinimum"].dump());
  }

  static void check_string(const json& s, const std::string& x, const std::string& path, std::vector<std::string>& out) {
    if (s.contains("minLength") && x.size() < s["minLength"].get<std::size_t>()) out.push_back(path + ": too short");
    if (s.contains("pattern") && !std::regex_search(x, std::regex(s["pattern"].get<std::string>())))
      out.push_back(path + ": \"" + x + "\" does not match " + s["pattern"].get<std::string>());
  }

  void check_object(const json& s, const json& v, const std::string& path, std::vector<std::string>& out) const {
    if (s.contains("required"))
      for (const auto& key : s["required"])
        if (!v.contains(key.get<std::string>())) out.push_back(path + ": missing required " + key.dump());
    for (const auto& [key, value] : v.items()) {
      const std::string at = path + "/" + key;
      if (s.contains("properties") && s["properties"].contains(key)) check(s["properties"][key], value, at, out);
      else if (s.contains("additionalProperties")) check(s["additionalProperties"], value, at, out);
    }
  }

  void check_array(const json& s, const json& v, const std::string& path, std::vector<std::string>& out) const {
    if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>()) out.push_back(path + ": too few items");
    if (s.contains("items"))
      for (std::size_t i = 0; i < v.size(); ++i) check(s["items"], v[i], path + "/" + std::to_string(i), out);
  }

  std::size_t passing(const json& list, const json& v, const std::string& path) const {
    std::size_t n = 0;
    for (const auto& sub : list) {
      std::vector<std::string> problems;
      check(sub, v, path, problems);
      n += problems.empty() ? 1 : 0;
    }
    return n;
  }

  void check_combinators(const json& s, const json& v, const std::string& path, std::vector<std::string>& out) const {
    if (s.contains("allOf"))
      for (const auto& sub : s["allOf"]) check(sub, v, path, out);
    if (s.contains("anyOf") && passing(s["anyOf"], v, path) == 0) out.push_back(path + ": matches none of anyOf");
    if (s.contains("oneOf") && passing(s["oneOf"], v, path) != 1) out.push_back(path + ": does not match exactly one of oneOf");
    if (s.contains("if")) {
      std::vector<std::string> problems;
      check(s["if"], v, path, problems);
      const char* branch = problems.empty() ? "then" : "else";
      if (s.contains(branch)) check(s[branch], v, path, out);
    }
  }

  const json& root_;
};

void collect_unsupported(const json& s, const std::string& path, std::vector<std::string>& out) {
  if (!s.is_object()) return;
  for (const auto& [key, value] : s.items()) {
    if (!kKeywords.count(key)) out.push_back(path + "/" + key);
    if (key == "properties" || key == "$defs") {
      for (const auto& [name, sub] : value.items()) collect_unsupported(sub, path + "/" + key + "/" + name, out);
    } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      for (std::size_t i = 0; i < value.size(); ++i) collect_unsupported(value[i], path + "/" + key + "/" + std::to_string(i), out);
    } else if (key == "items" || key == "additionalProperties" || key == "if" || key == "then" || key == "else") {
      collect_unsupported(value, path + "/" + key, out);
    }
  }
}

}  // namespace

std::vector<std::string> validate(const json& schema, const json& instance) {
  std::vector<std::string> out;
  Checker(schema).check(schema, instance, "", out);
  return out;
}

std::vector<std::string> unsupported_keywords(const json& schema) {
  std::vector<std::string> out;
  collect_unsupported(schema, "", out);
  return out;
}

}  // namespace schema_check
