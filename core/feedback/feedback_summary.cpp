#include "core/feedback/feedback_summary.h"

#include <map>

namespace sciagents::core::feedback {

using nlohmann::json;

namespace {

struct NpsTally {
  std::vector<int> scores;
  json toJson() const {
    int p = 0, d = 0;
    for (int s : scores) p += s >= 9, d += s <= 6;
    const auto nps = netPromoterScore(scores);
    return {{"n", scores.size()},
            {"promoters", p},
            {"passives", static_cast<int>(scores.size()) - p - d},
            {"detractors", d},
            {"score", nps ? json(*nps) : json()}};
  }
};

json mean(double sum, std::size_t n) { return n ? json(sum / static_cast<double>(n)) : json(); }

}  // namespace

std::optional<double> netPromoterScore(const std::vector<int>& scores) {
  if (scores.empty()) return std::nullopt;
  int p = 0, d = 0;
  for (int s : scores) p += s >= 9, d += s <= 6;
  return 100.0 * (p - d) / static_cast<double>(scores.size());
}

json summarize(const std::vector<Survey>& surveys, const std::vector<json>& responses,
               std::size_t analytics_events) {
  NpsTally headline_nps;
  double sat_sum = 0;
  std::size_t sat_n = 0, unknown = 0;
  json out_surveys = json::object();
  for (const auto& s : surveys) {
    json questions = json::object();
    std::size_t n = 0;
    for (const auto& r : responses)
      if (r.value("survey", "") == s.id && r.value("version", 0) == s.version) ++n;
    for (const auto& q : s.questions) {
      std::size_t answered = 0;
      std::map<std::string, int> counts;
      for (const auto& o : q.options) counts[o.id] = 0;
      std::vector<int> values;
      std::map<std::string, double> rank_sum;
      for (const auto& r : responses) {
        if (r.value("survey", "") != s.id || r.value("version", 0) != s.version) continue;
        const json& answers = r.contains("answers") ? r["answers"] : json::object();
        if (!answers.is_object() || !answers.contains(q.id) || answers[q.id].is_null()) continue;
        const json& a = answers[q.id];
        ++answered;
        switch (q.type) {
          case QuestionType::SingleChoice:
            if (a.is_string()) ++counts[a.get<std::string>()];
            break;
          case QuestionType::MultipleChoice:
            for (const auto& v : a)
              if (v.is_string()) ++counts[v.get<std::string>()];
            break;
          case QuestionType::YesNo:
            if (a.is_object() && a.contains("choice") && a["choice"].is_string())
              ++counts[a["choice"].get<std::string>()];
            break;
          case QuestionType::Ranking: {
            int pos = 1;
            for (const auto& v : a)
              if (v.is_string()) rank_sum[v.get<std::string>()] += pos++;
            break;
          }
          case QuestionType::Stars:
          case QuestionType::Nps:
            if (a.is_number_integer()) values.push_back(a.get<int>());
            break;
          case QuestionType::Text:
            break;
        }
      }
      json qj = {{"type", questionTypeName(q.type)}, {"answered", answered}};
      if (q.type == QuestionType::SingleChoice || q.type == QuestionType::MultipleChoice ||
          q.type == QuestionType::YesNo)
        qj["counts"] = counts;
      if (q.type == QuestionType::Ranking) {
        json mr = json::object();
        for (const auto& o : q.options) mr[o.id] = mean(rank_sum[o.id], answered);
        qj["mean_rank"] = mr;
      }
      if (q.type == QuestionType::Stars) {
        double sum = 0;
        json c = json::object();
        for (int k = 1; k <= 5; ++k) c[std::to_string(k)] = 0;
        for (int v : values) sum += v, c[std::to_string(v)] = c[std::to_string(v)].get<int>() + 1;
        qj["mean"] = mean(sum, values.size());
        qj["counts"] = c;
        if (q.metric == "satisfaction") sat_sum += sum, sat_n += values.size();
      }
      if (q.type == QuestionType::Nps) {
        NpsTally t{values};
        qj["nps"] = t.toJson();
        if (q.metric == "nps")
          headline_nps.scores.insert(headline_nps.scores.end(), values.begin(), values.end());
      }
      questions[q.id] = qj;
    }
    out_surveys[s.id] = {{"version", s.version}, {"responses", n}, {"questions", questions}};
  }
  for (const auto& r : responses) {
    const Survey* s = findSurvey(surveys, r.value("survey", ""));
    if (!s || r.value("version", 0) != s->version) ++unknown;
  }
  return {{"responses", responses.size()},
          {"unknown", unknown},
          {"analytics_events", analytics_events},
          {"nps", headline_nps.toJson()},
          {"mean_satisfaction", mean(sat_sum, sat_n)},
          {"satisfaction_n", sat_n},
          {"surveys", out_surveys}};
}

}  // namespace sciagents::core::feedback
