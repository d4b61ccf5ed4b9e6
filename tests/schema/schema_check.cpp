// Checks clusterplan's JSON against the schemas in schemas/: every schema
// uses only the keywords json_schema.h supports; every example and
// calibration workload conforms to workload.schema.json; and every golden
// case that asks for --format json is run again and its output conforms to
// its command's schema (sweep: every JSON line), together with a few command
// lines no golden case prints in full. Prints one line per problem and a
// closing "N passed, N failed" line; exits 1 on any failure.
// Usage: schema_check CLUSTERPLAN_BINARY SOURCE_DIR

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "json_schema.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Tally {
  int passed = 0, failed = 0;
  void record(const std::string& what, const std::vector<std::string>& problems) {
    if (problems.empty()) {
      ++passed;
      return;
    }
    ++failed;
    std::cout << "FAIL " << what << "\n";
    for (std::size_t i = 0; i < problems.size() && i < 10; ++i) std::cout << "  " << problems[i] << "\n";
  }
};

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::string run(const std::string& binary, const std::string& args) {
  FILE* pipe = popen(("'" + binary + "' " + args + " 2>/dev/null").c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// "specs show h100-sxm --format json" -> "specs-show"; "" when no schema applies.
std::string schema_for(const std::string& args) {
  std::istringstream words(args);
  std::string first, second;
  words >> first >> second;
  for (const char* two : {"specs", "sites", "policies"})
    if (first == two) return first + "-" + second;
  for (const char* one : {"plan", "compare", "estimate", "validate", "sweep"})
    if (first == one) return first;
  return "";
}

std::vector<json> documents(const std::string& schema, const std::string& output, std::string& error) {
  std::vector<json> out;
  try {
    if (schema == "sweep") {
      std::istringstream lines(output);
      for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    } else {
      out.push_back(json::parse(output));
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  return out;
}

// The args of every golden case that asks for JSON.
std::vector<std::string> golden_json_args(const fs::path& cases) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(cases))
    if (entry.path().extension() == ".case") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& file : files) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with("args:") && line.find("--format json") != std::string::npos) out.push_back(line.substr(5));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: schema_check CLUSTERPLAN_BINARY SOURCE_DIR\n";
    return 2;
  }
  const std::string binary = argv[1];
  const fs::path root = argv[2];
  fs::current_path(root);
  Tally tally;
  std::map<std::string, json> schemas;
  for (const auto& entry : fs::directory_iterator(root / "schemas")) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".schema.json")) continue;
    const auto schema = read_json(entry.path());
    auto problems = schema_check::unsupported_keywords(schema);
    for (auto& p : problems) p = "unsupported keyword at " + p;
    if (schema.value("$schema", "") != "https://json-schema.org/draft/2020-12/schema") problems.push_back("not draft 2020-12");
    tally.record("schemas/" + name, problems);
    schemas[name.substr(0, name.size() - 12)] = schema;
  }
  // Every workload file shipped: examples and calibration cases.
  for (const auto* dir : {"examples", "tests/calibration"})
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() != ".json") continue;
      const auto doc = read_json(entry.path());
      if (!doc.is_object() || !doc.contains("kind") || !doc.contains("model")) continue;
      tally.record(fs::relative(entry.path(), root).string(), schema_check::validate(schemas.at("workload"), doc));
    }
  auto commands = golden_json_args(root / "tests/golden/cases");
  for (const char* extra : {
           "plan examples/cn-lab-671b-moe-pretrain.json examples/cn-lab-r1-serving.json --buyer CN --policy us-2026-cap75k "
           "--sites cn-east,cn-gansu,my-johor --chips hgx-h200-8,cloudmatrix-384,hgx-b200-8 --format json",
           "plan examples/tier2-405b-sprint.json --buyer AE --policy diffusion-2025 --sites ae-abudhabi --format json",
           "plan examples/llama3-405b-pretrain.json --format json",
           "compare examples/llama3-70b-pretrain.json --buyer CN --site cn-gansu --format json",
           "specs show h100-sxm --format json", "specs show cloudmatrix-384 --format json",
           "sites show cn-gansu --format json", "policies show us-h20-2025 --format json",
           "policies show us-2026 --format json", "validate examples hw_specs --format json",
           "sweep examples/llama3-8b-pretrain.json --chips mi355x-8,hgx-h100-8 --sites us-tx --vary electricity=0.05..0.2:3 --format json"})
    commands.push_back(extra);
  for (const auto& args : commands) {
    const auto name = schema_for(args);
    if (!schemas.count(name)) {
      tally.record("clusterplan" + args, {"no schema for this command"});
      continue;
    }
    const auto output = run(binary, args);
    if (output.empty()) continue;  // an input error: nothing on stdout to check
    std::string error;
    const auto docs = documents(name, output, error);
    std::vector<std::string> problems;
    if (!error.empty() || docs.empty()) problems.push_back("output is not JSON: " + error);
    for (const auto& doc : docs)
      for (auto& p : schema_check::validate(schemas.at(name), doc)) problems.push_back(std::move(p));
    tally.record("clusterplan" + (args.starts_with(" ") ? args : " " + args) + " against " + name + ".schema.json", problems);
  }
  std::cout << tally.passed << " passed, " << tally.failed << " failed\n";
  return tally.failed ? 1 : 0;
}
