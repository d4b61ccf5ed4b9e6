#include "specs/loader.h"

#include <cmath>

#include <fmt/format.h>

#include "specs/bounds.h"
#include "util/countries.h"
#include "util/spellcheck.h"

namespace planner::specs {

using util::Json;
using util::ObjectReader;
using util::Presence;
namespace b = bounds;

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '.' && c != '_'))) return false;
  }
  return true;
}

namespace {

std::string read_id(ObjectReader& r) {
  auto id = r.string("id", Presence::required);
  if (id && !is_valid_id(*id)) {
    r.error_at("id", "expected an id of lower-case letters, digits, '-', '.' or '_' (at most 64), got \"" + *id + "\"");
    return {};
  }
  return id.value_or("");
}

std::string read_country(ObjectReader& r, std::string_view key) {
  auto code = r.string(key, Presence::required);
  if (code && !util::is_country_code(*code)) {
    r.error_at(key, "expected an ISO 3166-1 alpha-2 country code such as \"US\" or \"CN\", got \"" + *code + "\"");
    return {};
  }
  return code.value_or("");
}

// Reads a required sourced value into `out`; a problem is already reported.
void require(ObjectReader& r, std::string_view key, const util::Range& range, Sourced& out) {
  if (auto v = read_sourced(r, key, Presence::required, range)) out = std::move(*v);
}

void expect_kind(ObjectReader& r, std::string_view kind) {
  const auto actual = r.string("kind", Presence::required);
  if (actual && *actual != kind)
    r.error_at("kind", fmt::format("expected \"{}\", got \"{}\"", kind, *actual));
}

void read_compute(ObjectReader& r, Accelerator& a) {
  auto c = r.object("compute", Presence::required);
  if (!c) return;
  require(*c, "bf16_tflops", b::kTflops, a.bf16_tflops);
  require(*c, "fp16_tflops", b::kTflops, a.fp16_tflops);
  a.fp8_tflops = read_sourced(*c, "fp8_tflops", Presence::optional, b::kTflops);
  a.int8_tops = read_sourced(*c, "int8_tops", Presence::optional, b::kTflops);
  a.fp4_tflops = read_sourced(*c, "fp4_tflops", Presence::optional, b::kTflops);
  c->finish();
}

// "by_country": {"CN": {sourced price}, ...}: the price of chips delivered
// into a country where it differs from unit_usd.
void read_prices_by_country(ObjectReader& price, Accelerator& a) {
  auto by = price.object("by_country", Presence::optional);
  if (!by) return;
  const Json* node = price.member("by_country", Presence::optional);
  for (const auto& [country, _] : node->items()) {
    if (!util::is_country_code(country)) {
      by->member(country, Presence::optional);  // reported here, not again as an unknown key
      by->error_at(country, "expected an ISO 3166-1 alpha-2 country code such as \"CN\"" +
                                util::country_code_hint(country));
      continue;
    }
    if (auto v = read_sourced(*by, country, Presence::required, b::kUnitUsd)) a.unit_usd_by_country.emplace(country, *v);
  }
  by->finish();
}

void read_memory_and_links(ObjectReader& r, Accelerator& a) {
  if (auto m = r.object("memory", Presence::required)) {
    require(*m, "hbm_gb", b::kHbmGb, a.hbm_gb);
    require(*m, "hbm_tbps", b::kHbmTbps, a.hbm_tbps);
    m->finish();
  }
  if (auto i = r.object("interconnect", Presence::required)) {
    require(*i, "scale_up_gbytes_per_s", b::kScaleUpGbytesPerS, a.scale_up_gbytes_per_s);
    require(*i, "scale_up_domain_chips", b::kDomainChips, a.scale_up_domain_chips);
    // A count of chips: 7.5 used to pass and split the domain in half a chip.
    if (const double v = a.scale_up_domain_chips.value; v != std::floor(v))
      i->error_at("scale_up_domain_chips", "expected a whole number of chips, got " + util::format_number(v));
    require(*i, "scale_out_gbits_per_s", b::kScaleOutGbitsPerS, a.scale_out_gbits_per_s);
    i->finish();
  }
  if (auto p = r.object("power", Presence::required)) {
    require(*p, "tdp_w", b::kTdpW, a.tdp_w);
    p->finish();
  }
  if (auto p = r.object("price", Presence::required)) {
    require(*p, "unit_usd", b::kUnitUsd, a.unit_usd);
    read_prices_by_country(*p, a);
    p->finish();
  }
}

void read_export_control(ObjectReader& r, Accelerator& a) {
  auto e = r.object("export_control", Presence::optional);
  if (!e) return;
  a.die_area_mm2 = read_sourced(*e, "die_area_mm2", Presence::optional, b::kDieAreaMm2);
  a.tpp_published = read_sourced(*e, "tpp_published", Presence::optional, b::kTpp);
  e->finish();
  if (a.tpp_published && a.bf16_tflops.value > 0) {
    const double computed = a.tpp();
    const double published = a.tpp_published->value;
    if (std::fabs(computed - published) > b::kTppTolerance * published)
      e->error_at("tpp_published",
                  fmt::format("published TPP {} differs from the computed {} (dense TOPS x bit length, maximum "
                              "over precisions) by more than 2%",
                              util::format_number(published), util::format_number(std::round(computed))));
  }
}

}  // namespace

std::optional<std::string> peek_kind(const util::FileSystem& fs, const std::string& path) {
  util::Diagnostics ignored;
  const auto doc = util::read_json_file(fs, path, ignored);
  return doc ? read_kind(*doc, path, ignored) : std::nullopt;
}

std::optional<std::string> read_kind(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  if (!doc.is_object()) {
    diagnostics.error(file, "", "expected a JSON object at the top level, got " + util::describe_json(doc));
    return std::nullopt;
  }
  const auto it = doc.find("kind");
  if (it == doc.end()) {
    diagnostics.error(file, "/kind", "required key is missing");
    return std::nullopt;
  }
  if (!it->is_string()) {
    diagnostics.error(file, "/kind", "expected a string, got " + util::describe_json(*it));
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<Accelerator> read_accelerator(const Json& doc, const std::string& file,
                                            util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  Accelerator a;
  a.file = file;
  expect_kind(r, kKindAccelerator);
  a.id = read_id(r);
  a.name = r.string("name", Presence::required).value_or("");
  a.vendor = r.string("vendor", Presence::required).value_or("");
  a.origin_country = read_country(r, "origin_country");
  a.fab = r.string("fab", Presence::optional).value_or("");
  a.released = r.string("released", Presence::optional).value_or("");
  a.notes = r.string("notes", Presence::optional).value_or("");
  read_compute(r, a);
  read_memory_and_links(r, a);
  read_export_control(r, a);
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return a;
}

std::optional<System> read_system(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  System s;
  s.file = file;
  expect_kind(r, kKindSystem);
  s.id = read_id(r);
  s.name = r.string("name", Presence::required).value_or("");
  s.accelerator = r.string("accelerator", Presence::required).value_or("");
  s.notes = r.string("notes", Presence::optional).value_or("");
  s.chips_per_system = static_cast<int>(r.integer("chips_per_system", Presence::required, b::kChipsPerSystem).value_or(0));
  s.scale_up_domain_chips =
      static_cast<int>(r.integer("scale_up_domain_chips", Presence::required, b::kDomainChips).value_or(0));
  require(r, "host_power_w_per_chip", b::kHostPowerWPerChip, s.host_power_w_per_chip);
  s.host_typical_w_per_chip = read_sourced(r, "host_typical_w_per_chip", Presence::optional, b::kHostPowerWPerChip);
  if (s.host_typical_w_per_chip && s.host_typical_w_per_chip->value > s.host_power_w_per_chip.value)
    r.error_at("host_typical_w_per_chip", fmt::format("typical draw {} W is above the nameplate {} W",
                                                      util::format_number(s.host_typical_w_per_chip->value),
                                                      util::format_number(s.host_power_w_per_chip.value)));
  require(r, "system_cost_usd_per_chip", b::kSystemCostUsdPerChip, s.system_cost_usd_per_chip);
  s.scale_up_gbytes_per_s = read_sourced(r, "scale_up_gbytes_per_s", Presence::optional, b::kScaleUpGbytesPerS);
  s.scale_out_gbits_per_s = read_sourced(r, "scale_out_gbits_per_s", Presence::optional, b::kScaleOutGbitsPerS);
  r.finish();
  if (diagnostics.size() != errors_before) return std::nullopt;
  return s;
}

namespace {

std::vector<Subsidy> read_subsidies(ObjectReader& r) {
  std::vector<Subsidy> out;
  const Json* list = r.array("subsidies", Presence::optional);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader s((*list)[i], util::json_pointer_append(r.path_of("subsidies"), i), r.file(), r.diagnostics());
    Subsidy subsidy;
    subsidy.kind = s.choice("kind", Presence::required, {"power_bill_refund"}).value_or("");
    // The cost model applies one subsidy of a kind; a second was silently ignored.
    for (const auto& earlier : out)
      if (!subsidy.kind.empty() && earlier.kind == subsidy.kind)
        s.error_at("kind", fmt::format("a second \"{}\" subsidy for this site; give one (its fraction is the "
                                       "whole refund)", subsidy.kind));
    require(s, "fraction", b::kFraction, subsidy.fraction);
    const auto scope = s.choice("applies_to", Presence::required, {"domestic_chips", "all"});
    subsidy.applies_to = scope == "all" ? SubsidyScope::all : SubsidyScope::domestic_chips;
    subsidy.note = s.string("note", Presence::optional).value_or("");
    s.finish();
    out.push_back(std::move(subsidy));
  }
  return out;
}

Site read_site(ObjectReader& r) {
  Site s;
  s.file = r.file();
  s.json_path = r.path();
  s.id = read_id(r);
  s.name = r.string("name", Presence::required).value_or("");
  s.country = read_country(r, "country");
  s.region = r.string("region", Presence::optional).value_or("");
  require(r, "electricity_usd_per_kwh", b::kUsdPerKwh, s.electricity_usd_per_kwh);
  require(r, "pue", b::kPue, s.pue);
  require(r, "power_available_mw", b::kPowerAvailableMw, s.power_available_mw);
  require(r, "grid_gco2_per_kwh", b::kGridGco2PerKwh, s.grid_gco2_per_kwh);
  require(r, "facility_capex_usd_per_mw", b::kFacilityUsdPerMw, s.facility_capex_usd_per_mw);
  s.subsidies = read_subsidies(r);
  r.finish();
  return s;
}

}  // namespace

std::vector<Site> read_site_table(const Json& doc, const std::string& file, util::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.size();
  ObjectReader r(doc, "", file, diagnostics);
  expect_kind(r, kKindSiteTable);
  std::vector<Site> sites;
  const Json* list = r.array("sites", Presence::required);
  if (list && list->empty()) r.error_at("sites", "expected at least one site");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    ObjectReader s((*list)[i], util::json_pointer_append("/sites", i), file, diagnostics);
    if (s.valid()) sites.push_back(read_site(s));
  }
  r.finish();
  if (diagnostics.size() != errors_before) return {};
  return sites;
}

}  // namespace planner::specs
