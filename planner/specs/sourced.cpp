#include "specs/sourced.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace planner::specs {

using util::Json;
using util::ObjectReader;
using util::Presence;

bool is_date(std::string_view text) {
  auto digits = [&](std::size_t at, std::size_t n) {
    if (text.size() < at + n) return false;
    for (std::size_t i = at; i < at + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    return true;
  };
  auto field = [&](std::size_t at) { return (text[at] - '0') * 10 + (text[at + 1] - '0'); };
  if (!digits(0, 4)) return false;
  if (text.size() == 4) return true;
  if (text.size() < 7 || text[4] != '-' || !digits(5, 2) || field(5) < 1 || field(5) > 12) return false;
  if (text.size() == 7) return true;
  return text.size() == 10 && text[7] == '-' && digits(8, 2) && field(8) >= 1 && field(8) <= 31;
}

namespace {

const util::Range kAnyFinite{-1e300, 1e300};

std::optional<std::string> read_date(ObjectReader& r, Presence presence) {
  auto date = r.string("date", presence);
  if (date && !is_date(*date)) {
    r.error_at("date", "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"" + *date + "\"");
    return std::nullopt;
  }
  return date;
}

std::vector<Alternative> read_alternatives(ObjectReader& r) {
  std::vector<Alternative> out;
  const Json* list = r.array("alternatives", Presence::optional);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader a((*list)[i], util::json_pointer_append(r.path_of("alternatives"), i), r.file(), r.diagnostics());
    Alternative alt;
    alt.value = a.number("value", Presence::required, kAnyFinite).value_or(0);
    alt.source = a.string("source", Presence::required).value_or("");
    alt.date = read_date(a, Presence::optional).value_or("");
    alt.note = a.string("note", Presence::optional).value_or("");
    a.finish();
    out.push_back(std::move(alt));
  }
  return out;
}

// "range": {"low": L, "high": H}, each within the value's own range and
// bracketing the value.
std::optional<ValueRange> read_value_range(ObjectReader& r, std::optional<double> value, const util::Range& range) {
  auto node = r.object("range", Presence::optional);
  if (!node) return std::nullopt;
  const std::size_t errors_before = r.diagnostics().size();
  const auto low = node->number("low", Presence::required, range);
  const auto high = node->number("high", Presence::required, range);
  node->finish();
  if (!low || !high || r.diagnostics().size() != errors_before) return std::nullopt;
  if (*low > *high) {
    r.error_at("range", "low " + util::format_number(*low) + " is above high " + util::format_number(*high));
    return std::nullopt;
  }
  if (value && (*value < *low || *value > *high)) {
    r.error_at("range", "the value " + util::format_number(*value) + " lies outside its range [" +
                            util::format_number(*low) + ", " + util::format_number(*high) + "]");
    return std::nullopt;
  }
  return ValueRange{*low, *high};
}

// "currency": {"code", "amount", "per_usd", "date", "source"}: the value is
// amount / per_usd, to 1% (the rounding of a converted figure).
std::optional<SourceCurrency> read_currency(ObjectReader& r, std::optional<double> value) {
  auto node = r.object("currency", Presence::optional);
  if (!node) return std::nullopt;
  const std::size_t errors_before = r.diagnostics().size();
  SourceCurrency c;
  c.code = node->string("code", Presence::required).value_or("");
  const bool iso = c.code.size() == 3 && std::all_of(c.code.begin(), c.code.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  if (node->has("code") && (!iso || c.code == "USD"))
    node->error_at("code", "expected an ISO 4217 code other than USD, such as \"CNY\", got \"" + c.code + "\"");
  c.amount = node->number("amount", Presence::required, util::Range{0, 1e15, true}).value_or(0);
  c.per_usd = node->number("per_usd", Presence::required, util::Range{0, 1e6, true}).value_or(0);
  c.date = read_date(*node, Presence::required).value_or("");
  c.source = node->string("source", Presence::required).value_or("");
  node->finish();
  if (r.diagnostics().size() != errors_before) return std::nullopt;
  if (value && std::abs(*value - c.amount / c.per_usd) > 0.01 * (c.amount / c.per_usd)) {
    r.error_at("currency", "the value " + util::format_number(*value) + " is not " + util::format_number(c.amount) +
                               " " + c.code + " at " + util::format_number(c.per_usd) + " per USD (" +
                               fmt::format("{:.1f}", c.amount / c.per_usd) + ")");
    return std::nullopt;
  }
  return c;
}

}  // namespace

std::optional<Sourced> read_sourced(ObjectReader& parent, std::string_view key, Presence presence,
                                    const util::Range& range) {
  const Json* node = parent.member(key, presence);
  if (!node) return std::nullopt;
  if (!node->is_object()) {
    parent.error_at(key, "expected a sourced value {\"value\", \"source\", \"date\"} or {\"value\", \"estimate\"}, got " +
                             util::describe_json(*node));
    return std::nullopt;
  }
  ObjectReader r(*node, parent.path_of(key), parent.file(), parent.diagnostics());
  const std::size_t errors_before = r.diagnostics().size();
  Sourced s;
  const auto value = r.number("value", Presence::required, range);
  s.provenance.source = r.string("source", Presence::optional).value_or("");
  s.provenance.estimate = r.string("estimate", Presence::optional).value_or("");
  const bool has_source = r.has("source");
  const bool has_estimate = r.has("estimate");
  s.provenance.date = read_date(r, has_source ? Presence::required : Presence::optional).value_or("");
  s.provenance.url = r.string("url", Presence::optional).value_or("");
  s.provenance.note = r.string("note", Presence::optional).value_or("");
  s.provenance.alternatives = read_alternatives(r);
  s.provenance.range = read_value_range(r, value, range);
  s.provenance.currency = read_currency(r, value);
  if (!has_source && !has_estimate)
    parent.error_at(key, "needs \"source\" (a document) or \"estimate\" (the reasoning behind the value)");
  if (has_source && has_estimate)
    parent.error_at(key, "has both \"source\" and \"estimate\"; keep the one that is true");
  r.finish();
  if (!value || r.diagnostics().size() != errors_before) return std::nullopt;
  s.value = *value;
  return s;
}

Json to_json(const Sourced& s) {
  Json out = Json::object();
  out["value"] = s.value;
  const auto& p = s.provenance;
  if (!p.source.empty()) out["source"] = p.source;
  if (!p.estimate.empty()) out["estimate"] = p.estimate;
  if (!p.date.empty()) out["date"] = p.date;
  if (!p.url.empty()) out["url"] = p.url;
  if (!p.note.empty()) out["note"] = p.note;
  if (!p.alternatives.empty()) {
    Json list = Json::array();
    for (const auto& a : p.alternatives) {
      Json alt = {{"value", a.value}, {"source", a.source}};
      if (!a.date.empty()) alt["date"] = a.date;
      if (!a.note.empty()) alt["note"] = a.note;
      list.push_back(std::move(alt));
    }
    out["alternatives"] = std::move(list);
  }
  if (p.range) out["range"] = {{"low", p.range->low}, {"high", p.range->high}};
  if (p.currency)
    out["currency"] = {{"code", p.currency->code}, {"amount", p.currency->amount}, {"per_usd", p.currency->per_usd},
                       {"date", p.currency->date}, {"source", p.currency->source}};
  return out;
}

}  // namespace planner::specs
