#pragma once
// Plausibility bounds for spec-sheet and site values. They reject typos and
// unit mistakes (a TDP in mW, a PUE below 1), not unusual hardware: each bound
// sits an order of magnitude or more beyond any shipping part.

#include "util/json_reader.h"

namespace planner::specs::bounds {

using util::Range;

inline const Range kTflops{0, 100'000, true};          // GB200 is 2,500 dense BF16
inline const Range kHbmGb{0, 4'096, true};             // MI355X has 288
inline const Range kHbmTbps{0, 100, true};             // B200 has 8
inline const Range kScaleUpGbytesPerS{0, 20'000, true};
inline const Range kDomainChips{1, 100'000};
inline const Range kScaleOutGbitsPerS{0, 20'000, true};
inline const Range kTdpW{1, 5'000};                    // MI355X is 1,400 W
inline const Range kUnitUsd{1, 10'000'000};
inline const Range kDieAreaMm2{0, 50'000, true};       // a wafer-scale engine is ~46,000
inline const Range kTpp{0, 10'000'000, true};
inline const Range kChipsPerSystem{1, 100'000};
inline const Range kHostPowerWPerChip{0, 10'000};
inline const Range kSystemCostUsdPerChip{0, 10'000'000};
inline const Range kUsdPerKwh{0.001, 2};
inline const Range kPue{1.0, 3.0};
inline const Range kPowerAvailableMw{0, 100'000, true};
inline const Range kGridGco2PerKwh{0, 2'000};
inline const Range kFacilityUsdPerMw{0, 1e9, true};
inline const Range kFraction{0, 1};

// Relative gap allowed between a published TPP and the one computed from the
// TFLOPS figures: vendors round their TFLOPS (989 vs 989.4).
inline constexpr double kTppTolerance = 0.02;

}  // namespace planner::specs::bounds
