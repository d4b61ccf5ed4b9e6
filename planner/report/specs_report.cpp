#include "report/specs_report.h"

#include <fmt/format.h>

#include "report/schema.h"
#include "report/table.h"

namespace planner::report {

using specs::Sourced;
using util::Json;

namespace {

// Table cell: the number, with "~" in front when it is an estimate.
std::string cell(const Sourced& s, int decimals) {
  return (s.is_estimate() ? "~" : "") + grouped(s.value, decimals);
}
std::string cell(const std::optional<Sourced>& s, int decimals) { return s ? cell(*s, decimals) : "-"; }

// {"unit_usd": ..., "by_country": {"CN": ...}} (by_country only when there is one).
Json price_json(const specs::Accelerator& a) {
  Json out = {{"unit_usd", to_json(a.unit_usd)}};
  if (!a.unit_usd_by_country.empty()) {
    Json by = Json::object();
    for (const auto& [country, price] : a.unit_usd_by_country) by[country] = to_json(price);
    out["by_country"] = std::move(by);
  }
  return out;
}

// One line of `show`: label, value with unit, then where it came from.
std::string detail_line(std::string_view label, const Sourced& s, std::string_view unit) {
  const auto& p = s.provenance;
  std::string origin = s.is_estimate() ? "estimate: " + p.estimate : p.source + " (" + p.date + ")";
  std::string line = fmt::format("  {:<26}{:>14} {:<8} {}\n", label, util::format_number(s.value), unit, origin);
  if (!p.note.empty()) line += fmt::format("  {:<26}{:>14} {:<8} note: {}\n", "", "", "", p.note);
  if (p.range)
    line += fmt::format("  {:<26}{:>14} {:<8} range: {} to {}\n", "", "", "", util::format_number(p.range->low),
                        util::format_number(p.range->high));
  if (p.currency)
    line += fmt::format("  {:<26}{:>14} {:<8} published as {} {} at {} {} per USD ({}, {})\n", "", "", "",
                        util::format_number(p.currency->amount), p.currency->code,
                        util::format_number(p.currency->per_usd), p.currency->code, p.currency->source,
                        p.currency->date);
  for (const auto& alt : p.alternatives)
    line += fmt::format("  {:<26}{:>14} {:<8} also published: {} ({}){}\n", "", util::format_number(alt.value), unit,
                        alt.source, alt.date, alt.note.empty() ? "" : "; " + alt.note);
  return line;
}

void optional_detail(std::string& out, std::string_view label, const std::optional<Sourced>& s,
                     std::string_view unit) {
  if (s) out += detail_line(label, *s, unit);
}

void put_optional(Json& obj, const char* key, const std::optional<Sourced>& s) {
  if (s) obj[key] = specs::to_json(*s);
}

constexpr std::string_view kEstimateLegend = "~ marks an estimate; `clusterplan specs show ID` gives every source.\n";

}  // namespace

Json accelerator_json(const specs::Accelerator& a, const specs::ModelConstants* constants) {
  Json compute = {{"bf16_tflops", to_json(a.bf16_tflops)}, {"fp16_tflops", to_json(a.fp16_tflops)}};
  put_optional(compute, "fp8_tflops", a.fp8_tflops);
  put_optional(compute, "int8_tops", a.int8_tops);
  put_optional(compute, "fp4_tflops", a.fp4_tflops);
  Json export_control = {{"tpp", a.tpp()}};
  put_optional(export_control, "die_area_mm2", a.die_area_mm2);
  put_optional(export_control, "tpp_published", a.tpp_published);
  if (const auto pd = a.performance_density()) export_control["performance_density"] = *pd;
  Json out = {
      {"id", a.id},
      {"name", a.name},
      {"vendor", a.vendor},
      {"origin_country", a.origin_country},
      {"file", a.file},
      {"compute", std::move(compute)},
      {"memory", {{"hbm_gb", to_json(a.hbm_gb)}, {"hbm_tbps", to_json(a.hbm_tbps)}}},
      {"interconnect",
       {{"scale_up_gbytes_per_s", to_json(a.scale_up_gbytes_per_s)},
        {"scale_up_domain_chips", to_json(a.scale_up_domain_chips)},
        {"scale_out_gbits_per_s", to_json(a.scale_out_gbits_per_s)}}},
      {"power", {{"tdp_w", to_json(a.tdp_w)}}},
      {"price", price_json(a)},
      {"export_control", std::move(export_control)},
  };
  if (!a.fab.empty()) out["fab"] = a.fab;
  if (!a.released.empty()) out["released"] = a.released;
  if (!a.notes.empty()) out["notes"] = a.notes;
  if (constants) {
    if (const auto* family = constants->family_of(a.id)) out["model_family"] = family->id;
    out["serving_measurement"] = constants->serving_measurement(a.id);
  }
  return out;
}

Json system_json(const specs::System& s) {
  Json out = {{"id", s.id},
              {"name", s.name},
              {"accelerator", s.accelerator},
              {"file", s.file},
              {"chips_per_system", s.chips_per_system},
              {"scale_up_domain_chips", s.scale_up_domain_chips},
              {"host_power_w_per_chip", to_json(s.host_power_w_per_chip)},
              {"system_cost_usd_per_chip", to_json(s.system_cost_usd_per_chip)}};
  put_optional(out, "host_typical_w_per_chip", s.host_typical_w_per_chip);
  put_optional(out, "scale_up_gbytes_per_s", s.scale_up_gbytes_per_s);
  put_optional(out, "scale_out_gbits_per_s", s.scale_out_gbits_per_s);
  if (!s.notes.empty()) out["notes"] = s.notes;
  return out;
}

Json site_json(const specs::Site& s) {
  Json subsidies = Json::array();
  for (const auto& sub : s.subsidies)
    subsidies.push_back({{"kind", sub.kind},
                         {"fraction", to_json(sub.fraction)},
                         {"applies_to", sub.applies_to == specs::SubsidyScope::all ? "all" : "domestic_chips"},
                         {"note", sub.note}});
  return {{"id", s.id},
          {"name", s.name},
          {"country", s.country},
          {"region", s.region},
          {"file", s.file},
          {"electricity_usd_per_kwh", to_json(s.electricity_usd_per_kwh)},
          {"pue", to_json(s.pue)},
          {"power_available_mw", to_json(s.power_available_mw)},
          {"grid_gco2_per_kwh", to_json(s.grid_gco2_per_kwh)},
          {"facility_capex_usd_per_mw", to_json(s.facility_capex_usd_per_mw)},
          {"subsidies", std::move(subsidies)}};
}

std::string specs_table(const specs::Catalog& catalog) {
  Table chips;
  for (const char* h : {"ID", "VENDOR", "ORIGIN"}) chips.add_column(h, Align::left);
  for (const char* h : {"BF16 TFLOPS", "FP8 TFLOPS", "HBM GB", "HBM TB/s", "UP GB/s", "DOMAIN", "OUT Gb/s", "TDP W",
                        "PRICE USD", "TPP"})
    chips.add_column(h);
  for (const auto& a : catalog.accelerators)
    chips.add_row({a.id, a.vendor, a.origin_country, cell(a.bf16_tflops, 0), cell(a.fp8_tflops, 0),
                   cell(a.hbm_gb, 0), cell(a.hbm_tbps, 2), cell(a.scale_up_gbytes_per_s, 0),
                   cell(a.scale_up_domain_chips, 0), cell(a.scale_out_gbits_per_s, 0), cell(a.tdp_w, 0),
                   cell(a.unit_usd, 0), grouped(a.tpp(), 0)});
  std::string out = chips.render();
  if (!catalog.systems.empty()) {
    Table systems;
    for (const char* h : {"SYSTEM", "ACCELERATOR"}) systems.add_column(h, Align::left);
    for (const char* h : {"CHIPS", "DOMAIN", "HOST W/CHIP", "SYSTEM USD/CHIP"}) systems.add_column(h);
    for (const auto& s : catalog.systems)
      systems.add_row({s.id, s.accelerator, grouped(s.chips_per_system), grouped(s.scale_up_domain_chips),
                       cell(s.host_power_w_per_chip, 0), cell(s.system_cost_usd_per_chip, 0)});
    out += "\n" + systems.render();
  }
  out += "\nUP GB/s is scale-up bandwidth per chip, each direction; OUT Gb/s is the scale-out NIC per chip.\n";
  out += kEstimateLegend;
  return out;
}

Json specs_list_json(const specs::Catalog& catalog) {
  Json chips = Json::array();
  for (const auto& a : catalog.accelerators) chips.push_back(accelerator_json(a));
  Json systems = Json::array();
  for (const auto& s : catalog.systems) systems.push_back(system_json(s));
  return {{"schema_version", kSchemaVersion}, {"accelerators", std::move(chips)}, {"systems", std::move(systems)}};
}

std::string accelerator_details(const specs::Accelerator& a, const specs::ModelConstants* constants) {
  std::string out = fmt::format("{}  {}\n  vendor {}, designed in {}{}{}\n  file {}\n", a.id, a.name, a.vendor,
                                a.origin_country, a.fab.empty() ? "" : ", made by " + a.fab,
                                a.released.empty() ? "" : ", released " + a.released, a.file);
  out += "compute (dense peak per chip)\n";
  out += detail_line("bf16", a.bf16_tflops, "TFLOPS");
  out += detail_line("fp16", a.fp16_tflops, "TFLOPS");
  optional_detail(out, "fp8", a.fp8_tflops, "TFLOPS");
  optional_detail(out, "int8", a.int8_tops, "TOPS");
  optional_detail(out, "fp4", a.fp4_tflops, "TFLOPS");
  out += "memory\n";
  out += detail_line("hbm", a.hbm_gb, "GB");
  out += detail_line("hbm bandwidth", a.hbm_tbps, "TB/s");
  out += "interconnect\n";
  out += detail_line("scale-up (each direction)", a.scale_up_gbytes_per_s, "GB/s");
  out += detail_line("scale-up domain", a.scale_up_domain_chips, "chips");
  out += detail_line("scale-out NIC", a.scale_out_gbits_per_s, "Gb/s");
  out += "power and price\n";
  out += detail_line("tdp", a.tdp_w, "W");
  out += detail_line("unit price", a.unit_usd, "USD");
  for (const auto& [country, price] : a.unit_usd_by_country)
    out += detail_line(fmt::format("unit price delivered in {}", country), price, "USD");
  out += "export control\n";
  out += fmt::format("  {:<26}{:>14} {:<8} computed: max over precisions of dense TOPS x bits\n", "tpp",
                     grouped(a.tpp(), 0), "");
  optional_detail(out, "tpp published", a.tpp_published, "");
  optional_detail(out, "die area", a.die_area_mm2, "mm2");
  if (const auto pd = a.performance_density())
    out += fmt::format("  {:<26}{:>14} {:<8} computed: TPP / die area\n", "performance density", fixed(*pd, 2), "");
  if (!a.notes.empty()) out += "notes: " + a.notes + "\n";
  if (constants) out += "performance model: " + constants->serving_measurement(a.id) + "\n";
  return out;
}

std::string system_details(const specs::System& s) {
  std::string out = fmt::format("{}  {}\n  {} x {} per system, scale-up domain of {} chips\n  file {}\n", s.id,
                                s.name, s.chips_per_system, s.accelerator, s.scale_up_domain_chips, s.file);
  out += detail_line("host power per chip", s.host_power_w_per_chip, "W");
  optional_detail(out, "host typical per chip", s.host_typical_w_per_chip, "W");
  out += detail_line("system cost per chip", s.system_cost_usd_per_chip, "USD");
  optional_detail(out, "scale-up (each direction)", s.scale_up_gbytes_per_s, "GB/s");
  optional_detail(out, "scale-out NIC", s.scale_out_gbits_per_s, "Gb/s");
  if (!s.notes.empty()) out += "notes: " + s.notes + "\n";
  return out;
}

std::string sites_table(const specs::Catalog& catalog) {
  Table t;
  for (const char* h : {"ID", "COUNTRY", "REGION"}) t.add_column(h, Align::left);
  for (const char* h : {"USD/kWh", "PUE", "POWER MW", "gCO2/kWh", "CAPEX USD/MW"}) t.add_column(h);
  t.add_column("SUBSIDY", Align::left);
  for (const auto& s : catalog.sites) {
    std::string subsidy;
    for (const auto& sub : s.subsidies)
      subsidy += fmt::format("{}{:.0f}% of power bill ({})", subsidy.empty() ? "" : "; ", sub.fraction.value * 100,
                             sub.applies_to == specs::SubsidyScope::all ? "all chips" : "domestic chips");
    t.add_row({s.id, s.country, s.region, cell(s.electricity_usd_per_kwh, 3), cell(s.pue, 2),
               cell(s.power_available_mw, 0), cell(s.grid_gco2_per_kwh, 0), cell(s.facility_capex_usd_per_mw, 0),
               subsidy.empty() ? "-" : subsidy});
  }
  return t.render() + "\n" + std::string(kEstimateLegend.substr(0, kEstimateLegend.find(';'))) +
         "; `clusterplan sites show ID` gives every source.\n";
}

Json sites_list_json(const specs::Catalog& catalog) {
  Json sites = Json::array();
  for (const auto& s : catalog.sites) sites.push_back(site_json(s));
  return {{"schema_version", kSchemaVersion}, {"sites", std::move(sites)}};
}

std::string site_details(const specs::Site& s) {
  std::string out = fmt::format("{}  {}\n  country {}{}\n  file {} at {}\n", s.id, s.name, s.country,
                                s.region.empty() ? "" : ", region " + s.region, s.file, s.json_path);
  out += detail_line("electricity", s.electricity_usd_per_kwh, "USD/kWh");
  out += detail_line("pue", s.pue, "");
  out += detail_line("power available", s.power_available_mw, "MW");
  out += detail_line("grid carbon", s.grid_gco2_per_kwh, "g/kWh");
  out += detail_line("facility capex", s.facility_capex_usd_per_mw, "USD/MW");
  for (const auto& sub : s.subsidies) {
    out += detail_line(sub.applies_to == specs::SubsidyScope::all ? "power refund (all chips)"
                                                                  : "power refund (domestic)",
                       sub.fraction, "share");
    if (!sub.note.empty()) out += fmt::format("  {:<26}{:>14} {:<8} {}\n", "", "", "", sub.note);
  }
  return out;
}

}  // namespace planner::report
