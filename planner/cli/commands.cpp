#include "cli/commands.h"

#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "report/formats.h"
#include "report/json_document.h"
#include "report/xlsx.h"
#include "util/printable.h"

namespace planner::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> out;
    for (auto group : {specs_commands(), validate_commands(), estimate_commands(), plan_commands(), sweep_commands(), report_commands(), policy_commands()})
      for (auto& cmd : group) out.push_back(std::move(cmd));
    return out;
  }();
  return all;
}

namespace {

// `doc` with invalid UTF-8 in any string or key escaped as \xNN text (a file
// name from the disk may be any bytes); nlohmann refuses to dump such strings.
util::Json escaped(const util::Json& doc) {
  if (doc.is_string()) return util::escape_unprintable(doc.get_ref<const std::string&>());
  if (doc.is_array()) {
    util::Json out = util::Json::array();
    for (const auto& item : doc) out.push_back(escaped(item));
    return out;
  }
  if (doc.is_object()) {
    util::Json out = util::Json::object();
    for (const auto& [key, value] : doc.items()) out[util::escape_unprintable(key)] = escaped(value);
    return out;
  }
  return doc;
}

}  // namespace

void print_json(std::ostream& out, const util::Json& doc) {
  std::string text;
  try {
    text = doc.dump(2);
  } catch (const util::Json::type_error&) {  // invalid UTF-8 somewhere: escape it, never fail
    text = escaped(doc).dump(2);
  }
  out << text << "\n";
}

int print_document(Context& ctx, const report::Document& doc) {
  if (ctx.format == Format::xlsx) {
    const auto& path = ctx.vm["output"].as<std::string>();
    if (!std::ofstream(path)) {  // libxlsxwriter would also print its own message
      ctx.err << fmt::format("clusterplan: -o: cannot write {}\n", path);
      return kExitUsage;
    }
    if (const auto problem = report::write_xlsx(doc, path); !problem.empty()) {
      ctx.err << "clusterplan: -o: " << problem << "\n";
      return kExitUsage;
    }
    return kExitOk;
  }
  const std::string text = ctx.format == Format::csv ? report::csv(doc) : report::markdown(doc);
  ctx.out << text;
  return kExitOk;
}

int print_data(Context& ctx, const util::Json& doc, const std::string& primary) {
  if (ctx.format == Format::json) {
    print_json(ctx.out, doc);
    return kExitOk;
  }
  return print_document(ctx, report::json_document(doc, "clusterplan " + ctx.command, primary));
}


}  // namespace planner::cli
