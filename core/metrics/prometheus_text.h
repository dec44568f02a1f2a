// Parser for the Prometheus text exposition format 0.0.4 (what MetricsRegistry::exposition() and a
// server's GET /metrics produce), plus the few queries a dashboard needs: sums over label sets and
// histogram mean / quantiles from cumulative buckets. No Qt; no exceptions on malformed lines
// (they are skipped and reported).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core::metrics {

struct PrometheusText {
  struct Sample {
    std::string name;                           // full sample name, e.g. "x_bucket"
    std::map<std::string, std::string> labels;  // unescaped values
    double value = 0.0;
  };
  struct HistogramSummary {
    double count = 0.0;
    double sum = 0.0;
    double mean() const { return count > 0 ? sum / count : 0.0; }
    std::vector<std::pair<double, double>> buckets;  // (le, cumulative count), ascending, +Inf last
    double quantile(
        double q) const;  // linear interpolation inside the bucket, as histogram_quantile
  };

  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family name -> counter/gauge/histogram/…
  std::map<std::string, std::string> help;   // family name -> unescaped help text
  std::vector<std::string> errors;           // "line N: why" for skipped lines

  static PrometheusText parse(std::string_view text);

  bool has(const std::string& name) const;
  // Sum of the samples called `name` whose labels include every pair of `match`.
  double sum(const std::string& name, const std::map<std::string, std::string>& match = {}) const;
  // The histogram family `name` (samples name_bucket/_sum/_count) merged over all label sets that
  // include `match` (buckets with the same le are added).
  HistogramSummary histogram(const std::string& name,
                             const std::map<std::string, std::string>& match = {}) const;
};

}  // namespace sciagents::core::metrics
