#pragma once
// A number from a spec sheet, price list or site table together with where it
// came from. Every number in hw_specs/ is one of these (see hw_specs/SCHEMA.md).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json_reader.h"

namespace planner::specs {

struct Alternative {
  double value = 0;
  std::string source;
  std::string date;
  std::string note;
};

// The interval an estimate (or a spread of published figures) could plausibly
// take, in the value's own unit; low <= value <= high, both finite.
struct ValueRange {
  double low = 0;
  double high = 0;
};

// A figure published in another currency: the amount as published and the
// exchange rate the value was converted at, with its date and source.
struct SourceCurrency {
  std::string code;    // ISO 4217, upper case, not "USD": "CNY"
  double amount = 0;   // in `code`, per the value's unit ("190000" CNY per chip)
  double per_usd = 0;  // units of `code` per US dollar
  std::string date;    // of the rate
  std::string source;  // of the rate
};

struct Provenance {
  std::string source;    // document and publisher; empty for an estimate
  std::string date;      // YYYY, YYYY-MM or YYYY-MM-DD
  std::string url;
  std::string estimate;  // the reasoning, when no document states the value
  std::string note;
  std::vector<Alternative> alternatives;  // published values that disagree
  std::optional<ValueRange> range;         // plausible low and high; every estimate should carry one
  std::optional<SourceCurrency> currency;  // set when the source gives the figure in another currency
};

struct Sourced {
  double value = 0;
  Provenance provenance;

  bool is_estimate() const { return !provenance.estimate.empty(); }
};

// True for "2024", "2024-03" and "2024-03-15" with a plausible month and day.
bool is_date(std::string_view text);

// Reads `key` of `parent` as a sourced value whose value lies in `range`.
std::optional<Sourced> read_sourced(util::ObjectReader& parent, std::string_view key, util::Presence presence,
                                    const util::Range& range);

// The value, or `fallback` when absent.
inline double value_or(const std::optional<Sourced>& s, double fallback) { return s ? s->value : fallback; }

util::Json to_json(const Sourced& s);

}  // namespace planner::specs
