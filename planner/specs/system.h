#pragma once
// A system groups chips into servers or supernodes and adds what the chips
// need around them: host power, network and chassis cost, and the size of the
// scale-up domain (8 on an HGX node, 384 on a CloudMatrix-384).

#include <optional>
#include <string>

#include "specs/sourced.h"

namespace planner::specs {

struct System {
  std::string id;
  std::string name;
  std::string accelerator;  // accelerator id
  std::string notes;
  std::string file;

  int chips_per_system = 0;
  int scale_up_domain_chips = 0;
  Sourced host_power_w_per_chip;     // beyond the chip TDP, nameplate maximum: sizes the facility
  // Typical draw beyond the chip (bills energy); absent: the cost model's
  // host_typical_share of the nameplate.
  std::optional<Sourced> host_typical_w_per_chip;
  Sourced system_cost_usd_per_chip;  // server, chip itself and scale-out fabric excluded
  std::optional<Sourced> scale_up_gbytes_per_s;  // overrides the chip's, each direction
  std::optional<Sourced> scale_out_gbits_per_s;  // overrides the chip's
};

}  // namespace planner::specs
