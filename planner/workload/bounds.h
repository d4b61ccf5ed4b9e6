#pragma once
// Plausibility bounds for workload files. They catch typos and unit mistakes
// (a batch in sequences where tokens were meant, a deadline in hours), not
// unusual models: each bound sits far beyond any published model.

#include "util/json_reader.h"

namespace planner::workload::bounds {

using util::Range;

// Model shape.
inline const Range kLayers{1, 1'000};              // Llama 3 405B has 126, MT-NLG 105
inline const Range kHidden{1, 131'072};            // Llama 3 405B has 16,384
inline const Range kFfnHidden{1, 1'048'576};       // Llama 3 405B has 53,248
inline const Range kHeads{1, 1'024};               // query heads and KV heads; Llama 3 405B has 128
inline const Range kVocab{1, 10'000'000};          // BLOOM has 250,880, Gemma 256,000
inline const Range kLoraRank{1, 131'072};          // MLA latent ranks; DeepSeek-V3: 512 (KV), 1,536 (Q)
inline const Range kMlaHeadDim{1, 4'096};          // MLA head_dim and rope_dim; DeepSeek-V3: 128 and 64
inline const Range kExperts{1, 4'096};             // routed experts and top_k; DeepSeek-V3: 256, top-8
inline const Range kSharedExperts{0, 4'096};       // DeepSeek-V3: 1
inline const Range kMtpLayers{0, 16};              // DeepSeek-V3: 1
inline const Range kCapacityFactor{1, 64};         // expert capacity / mean load; Switch Transformer: 1.0-1.25
inline const Range kDenseLayers{0, 1'000};         // also checked against layers; DeepSeek-V3: 3

// Training.
inline const Range kSeqLen{1, 10'000'000};         // tokens per sequence; Llama 3 pre-trains at 8,192
inline const Range kGlobalBatchTokens{1, 1e10};    // tokens per optimizer step; DeepSeek-V3: 62,914,560
inline const Range kTokens{0, 1e18, true};         // tokens to train on; Llama 3: 15.6e12
// 2.4 hours to ten years; --deadline-days takes the same bounds. Shorter
// than a tenth of a day is no training run (1e-9 used to pass the file).
inline const Range kDeadlineDays{0.1, 3'650};

// Inference.
inline const Range kRequestTokens{1, 10'000'000};  // prompt or generated tokens per request
// The whole service; below the minimum there is nothing to size (one replica
// of any bundled chip serves thousands of tokens/s).
inline const Range kOutputTokensPerS{1, 1e12};     // output tokens/s; DeepSeek-R1 example: 1,000,000
inline const Range kRequestsPerS{1e-3, 1e9};       // requests/s; one request per 1,000 s at least
inline const Range kLatencyMs{0, 1e6, true};       // TTFT and TPOT targets in ms; 1e6 ms is 17 minutes
inline const Range kTokensPerStep{1, 8};           // speculative decoding; DeepSeek-V3's MTP reports 1.8
inline const Range kDraftTokens{0, 16};            // tokens drafted per step; DeepSeek-V3's MTP drafts 1
inline const Range kDraftLayers{0, 1'000};         // layers a drafted token costs; DeepSeek-V3's MTP: 1
inline const Range kHitRate{0, 1};                 // prefix-cache hit rate, a fraction

}  // namespace planner::workload::bounds
