#include "report/json_document.h"

#include <algorithm>
#include <map>

namespace planner::report {

using util::Json;

namespace {

bool is_sourced(const Json& j) {
  return j.is_object() && j.contains("value") && j["value"].is_number() && (j.contains("source") || j.contains("estimate"));
}

std::string source_of(const Json& j) {
  if (j.contains("estimate")) return "estimate: " + j["estimate"].get<std::string>();
  std::string out = j["source"].get<std::string>();
  if (j.contains("date")) out += " (" + j["date"].get<std::string>() + ")";
  return out;
}

Cell leaf_cell(const Json& j) {
  if (j.is_number()) return number_cell(j.get<double>());
  if (j.is_boolean()) return text_cell(j.get<bool>() ? "true" : "false");
  if (j.is_string()) return text_cell(j.get<std::string>());
  if (j.is_null()) return {};
  return text_cell(j.dump());
}

bool scalar_array(const Json& j) {
  return j.is_array() && std::all_of(j.begin(), j.end(), [](const Json& e) { return !e.is_structured(); });
}

std::string joined(const Json& array) {
  std::string out;
  for (const auto& e : array) out += (out.empty() ? "" : "; ") + (e.is_string() ? e.get<std::string>() : e.dump());
  return out;
}

bool object_array(const Json& j) {
  return j.is_array() && !j.empty() && std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_object(); });
}

// A nested array of objects, met while flattening: it becomes a section of
// its own whose rows name their parent.
struct Child {
  std::string path;
  const Json* array;
};

// Visits every leaf below `j` with its dotted path; sourced values are
// leaves. Arrays of objects below the top go to `children` when given.
template <typename Visit>
void flatten(const Json& j, const std::string& path, const Visit& visit, std::vector<Child>* children) {
  if (is_sourced(j)) {
    visit(path, number_cell(j["value"].get<double>()), source_of(j));
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items())
      flatten(value, path.empty() ? key : path + "." + key, visit, children);
  } else if (scalar_array(j)) {
    visit(path, text_cell(joined(j)), "");
  } else if (children && object_array(j)) {
    children->push_back({path, &j});
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) flatten(j[i], path + "." + std::to_string(i), visit, children);
  } else {
    visit(path, leaf_cell(j), "");
  }
}

// Identifying columns first, the rest in key order.
int rank(const std::string& key) {
  static const std::vector<std::string> first = {"parent", "id", "name", "file", "workload", "chip"};
  const auto it = std::find(first.begin(), first.end(), key);
  return static_cast<int>(it - first.begin());
}

// What a row of `element` is called in its children's sections.
std::string label_of(const Json& element, std::size_t index, const std::string& parent) {
  for (const char* key : {"id", "name", "file"})
    if (element.contains(key) && element[key].is_string()) return element[key].get<std::string>();
  return (parent.empty() ? "" : parent + "/") + std::to_string(index);
}

// The parents of `array`'s rows: one label per element, or none at the top.
void add_array(Document& doc, const std::string& key, const Json& array, const std::vector<std::string>& parents) {
  const std::size_t at = doc.sections.size();
  doc.add(key, key);
  std::vector<std::map<std::string, Cell>> rows;
  std::vector<std::pair<std::string, std::vector<std::string>>> child_keys;  // section key, parent labels
  std::map<std::string, Json> child_arrays;
  std::vector<Column> columns;
  if (!parents.empty()) columns.push_back({"parent", "parent", false, 1, 0});
  for (std::size_t i = 0; i < array.size(); ++i) {
    const Json& element = array[i];
    const std::string parent = parents.empty() ? "" : parents[i];
    rows.emplace_back();
    if (!parents.empty()) rows.back()["parent"] = text_cell(parent);
    std::vector<Child> children;
    flatten(element, "", [&](const std::string& path, Cell cell, const std::string&) {
      if (std::none_of(columns.begin(), columns.end(), [&](const Column& c) { return c.key == path; }))
        columns.push_back({path, path, cell.number.has_value(), 1, -1});
      rows.back()[path] = std::move(cell);
    }, &children);
    const std::string label = label_of(element, i, parent);
    for (const auto& child : children) {
      auto& merged = child_arrays[child.path];
      if (merged.is_null()) {
        merged = Json::array();
        child_keys.push_back({child.path, {}});
      }
      auto it = std::find_if(child_keys.begin(), child_keys.end(), [&](const auto& k) { return k.first == child.path; });
      for (const auto& e : *child.array) {
        merged.push_back(e);
        it->second.push_back(label);
      }
    }
  }
  std::stable_sort(columns.begin(), columns.end(), [](const Column& x, const Column& y) { return rank(x.key) < rank(y.key); });
  auto& s = doc.sections[at];
  s.columns = columns;
  for (auto& r : rows) {
    std::vector<Cell> cells;
    for (const auto& c : s.columns) cells.push_back(r.count(c.key) ? r[c.key] : Cell{});
    s.add_row(std::move(cells));
  }
  for (const auto& [path, labels] : child_keys) add_array(doc, key + "." + path, child_arrays[path], labels);
}

}  // namespace

Document json_document(const Json& doc, const std::string& title, const std::string& primary) {
  Document out;
  out.title = title;
  out.primary = primary;
  auto& fields = out.add("fields", "fields");
  fields.text("field", "field");
  fields.columns.push_back({"value", "value", false, 1, -1});
  fields.text("source", "source");
  for (const auto& [key, value] : doc.items()) {
    if (object_array(value)) continue;
    flatten(value, key, [&](const std::string& path, Cell cell, const std::string& source) {
      fields.add_row({text_cell(path), std::move(cell), text_cell(source)});
    }, nullptr);
  }
  for (const auto& [key, value] : doc.items())
    if (object_array(value)) add_array(out, key, value, {});
  if (out.primary.empty()) out.primary = out.sections.size() > 1 ? out.sections[1].id : "fields";
  return out;
}

}  // namespace planner::report
