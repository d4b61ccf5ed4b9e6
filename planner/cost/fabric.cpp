#include "cost/fabric.h"

namespace planner::cost {

FabricPrice fabric_price(const std::vector<specs::FabricTier>& tiers, long long chips, long long chips_per_system) {
  if (tiers.empty() || chips <= chips_per_system) return {0, "none"};
  for (const auto& t : tiers)
    if (!t.up_to_chips || chips <= *t.up_to_chips) return {t.usd_per_chip.value, t.name};
  return {tiers.back().usd_per_chip.value, tiers.back().name};
}

}  // namespace planner::cost
