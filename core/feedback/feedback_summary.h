// GET /v1/feedback/summary: responses per survey, NPS, mean satisfaction and per-option counts,
// computed from the stored response documents and the survey definitions.
#pragma once

#include "core/feedback/survey.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace sciagents::core::feedback {

// NPS over 0..10 scores: (promoters (9-10) - detractors (0-6)) / n * 100; empty when n = 0.
std::optional<double> netPromoterScore(const std::vector<int>& scores);

// {"responses": N, "analytics_events": M, "nps": {...}|null, "mean_satisfaction": x|null,
//  "surveys": {id: {"version", "responses", "questions": {qid: {...}}}}}. The headline "nps" and
// "mean_satisfaction" pool the questions tagged "metric": "nps" / "satisfaction". Responses to
// unknown surveys or versions are counted under "unknown" and otherwise ignored.
nlohmann::json summarize(const std::vector<Survey>& surveys,
                         const std::vector<nlohmann::json>& responses,
                         std::size_t analytics_events);

}  // namespace sciagents::core::feedback
