// Counters, gauges and histograms with labels, exposed in Prometheus text format 0.0.4.
// Thread-safe: lookups take a mutex once; updates on the returned instruments are lock-free atomics
// (histogram observe takes a per-histogram lock or uses atomics).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sciagents::core::metrics {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void inc(double v = 1.0);
  double value() const;

 private:
  std::atomic<double> m_value{0.0};
};

class Gauge {
 public:
  void set(double v);
  void add(double v);
  double value() const;

 private:
  std::atomic<double> m_value{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  std::vector<std::uint64_t> bucketCounts() const;  // cumulative, last = +Inf
  const std::vector<double>& bounds() const { return m_bounds; }
  double sum() const;
  std::uint64_t count() const;

  // Buckets (cumulative), sum and count read under one lock, so count == last bucket.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> m_bounds;
  mutable std::mutex m_mutex;
  std::vector<std::uint64_t> m_counts;  // per bucket (not cumulative), size bounds+1
  double m_sum = 0.0;
  std::uint64_t m_count = 0;
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();  // out of line: Family is incomplete here
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Same name + labels -> same instrument. The first call for a name fixes its help text and type;
  // using a name with a different type throws std::invalid_argument. Names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> buckets = defaultSecondsBuckets());

  // Prometheus text exposition format 0.0.4 (# HELP, # TYPE, escaped label values, sorted).
  std::string exposition() const;

  static std::vector<double> defaultSecondsBuckets();  // 1e-5 .. 100 s
  static MetricsRegistry& global();

 private:
  struct Family;
  mutable std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Family>> m_families;
};

}  // namespace sciagents::core::metrics
