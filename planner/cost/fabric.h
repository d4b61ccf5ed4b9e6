#pragma once
// The scale-out network fabric a cluster needs: none inside one system (its
// scale-up domain or its chassis), then switch layers that grow with the
// cluster, priced per chip from the cost model's tiers.

#include <string>
#include <vector>

#include "specs/cost_model.h"

namespace planner::cost {

struct FabricPrice {
  double usd_per_chip = 0;
  std::string tier;  // the tier's name; "none" inside one system
};

// `chips` chips in systems of `chips_per_system`: no fabric when they fit in
// one system (or there are no tiers), else the first tier whose bound holds
// them, the unbounded last tier beyond.
FabricPrice fabric_price(const std::vector<specs::FabricTier>& tiers, long long chips, long long chips_per_system);

}  // namespace planner::cost
