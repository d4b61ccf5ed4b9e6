#pragma once
// One accelerator chip as its spec sheet describes it.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "specs/sourced.h"

namespace planner::specs {

// Number formats a workload can ask for; the bit length enters the TPP formula.
enum class Precision { bf16, fp16, fp8, int8, fp4 };

std::string_view to_string(Precision p);
int bit_length(Precision p);
std::optional<Precision> parse_precision(std::string_view text);

struct Accelerator {
  std::string id;
  std::string name;
  std::string vendor;
  std::string origin_country;  // ISO 3166-1 alpha-2 of the designer
  std::string fab;
  std::string released;
  std::string notes;
  std::string file;            // where it was loaded from

  // Dense peak per chip, no sparsity. FP8, INT8 and FP4 are absent on chips without them.
  Sourced bf16_tflops;
  Sourced fp16_tflops;
  std::optional<Sourced> fp8_tflops;
  std::optional<Sourced> int8_tops;
  std::optional<Sourced> fp4_tflops;

  Sourced hbm_gb;
  Sourced hbm_tbps;
  Sourced scale_up_gbytes_per_s;  // per chip, each direction
  Sourced scale_up_domain_chips;  // chips in the scale-up domain of the standard node
  Sourced scale_out_gbits_per_s;  // per chip, each direction
  Sourced tdp_w;
  Sourced unit_usd;
  // Where chips delivered into a country sell at another price (China's
  // channel prices): the site's country code -> price.
  std::map<std::string, Sourced, std::less<>> unit_usd_by_country;
  std::optional<Sourced> die_area_mm2;
  std::optional<Sourced> tpp_published;

  // The unit price of a chip delivered into `country` (a site's): its own
  // entry, else unit_usd.
  const Sourced& unit_price(std::string_view country) const;
  // Sets every price (unit_usd and each country's) to `usd`, or scales them all.
  void set_unit_prices(double usd);
  void scale_unit_prices(double factor);

  // Dense peak at precision `p`, or nullopt where the chip lacks it.
  std::optional<double> peak_tflops(Precision p) const;
  // Total processing performance (BIS ECCN 3A090): the maximum over
  // precisions of dense TOPS times bit length.
  double tpp() const;
  // TPP divided by die area in mm^2, when the die area is known.
  std::optional<double> performance_density() const;
};

}  // namespace planner::specs
