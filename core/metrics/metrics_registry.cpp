#include "core/metrics/metrics_registry.h"
#include "core/util/text_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace sciagents::core::metrics {

namespace {

enum class Type { Counter, Gauge, Histogram };

const char* typeName(Type t) {
  switch (t) {
    case Type::Counter:
      return "counter";
    case Type::Gauge:
      return "gauge";
    case Type::Histogram:
      return "histogram";
  }
  return "untyped";
}

bool validName(const std::string& s, bool allow_colon) {
  if (s.empty()) return false;
  auto ok = [&](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (allow_colon && c == ':') || (!first && c >= '0' && c <= '9');
  };
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!ok(s[i], i == 0)) return false;
  return true;
}

// Go's strconv.FormatFloat(v, 'g', -1, 64) spelling, which Prometheus parses: shortest round trip.
// Prometheus spells the special values NaN, +Inf and -Inf.
std::string formatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return formatShortest(v);
}

std::string escapeHelp(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escapeLabelValue(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// {a="x",b="y"} with an optional extra label (le) last; "" when there are no labels.
std::string labelText(const Labels& labels, const char* extra_name = nullptr,
                      const std::string& extra_value = {}) {
  if (labels.empty() && !extra_name) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    out += k + "=\"" + escapeLabelValue(v) + '"';
    first = false;
  }
  if (extra_name) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"" + escapeLabelValue(extra_value) + '"';
  }
  return out + "}";
}

// Atomic add for std::atomic<double> without relying on C++20 fetch_add support in every stdlib.
void atomicAdd(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

std::vector<double> checkedBounds(std::vector<double> b) {
  if (!b.empty() && std::isinf(b.back()) && b.back() > 0) b.pop_back();  // +Inf is implicit
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (!std::isfinite(b[i]))
      throw std::invalid_argument("histogram bucket bounds must be finite (+Inf is implicit)");
    if (i > 0 && !(b[i - 1] < b[i]))
      throw std::invalid_argument("histogram bucket bounds must be strictly increasing");
  }
  return b;
}

}  // namespace

void Counter::inc(double v) {
  // Prometheus counters only go up; a negative step would read as a process restart.
  if (!(v >= 0.0))
    throw std::invalid_argument("counter increment must be >= 0, got " + formatNumber(v));
  atomicAdd(m_value, v);
}
double Counter::value() const { return m_value.load(std::memory_order_relaxed); }

void Gauge::set(double v) { m_value.store(v, std::memory_order_relaxed); }
void Gauge::add(double v) { atomicAdd(m_value, v); }
double Gauge::value() const { return m_value.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : m_bounds(checkedBounds(std::move(upper_bounds))), m_counts(m_bounds.size() + 1, 0) {}

void Histogram::observe(double v) {
  // NaN compares false with every bound, so it lands in +Inf only (as in the Go client).
  const std::size_t i =
      std::isnan(v) ? m_bounds.size()
                    : static_cast<std::size_t>(
                          std::lower_bound(m_bounds.begin(), m_bounds.end(), v) - m_bounds.begin());
  std::lock_guard lock(m_mutex);
  ++m_counts[i];
  m_sum += v;
  ++m_count;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::lock_guard lock(m_mutex);
  s.cumulative.reserve(m_counts.size());
  std::uint64_t running = 0;
  for (auto c : m_counts) s.cumulative.push_back(running += c);
  s.sum = m_sum;
  s.count = m_count;
  return s;
}

std::vector<std::uint64_t> Histogram::bucketCounts() const { return snapshot().cumulative; }

double Histogram::sum() const {
  std::lock_guard lock(m_mutex);
  return m_sum;
}

std::uint64_t Histogram::count() const {
  std::lock_guard lock(m_mutex);
  return m_count;
}

struct MetricsRegistry::Family {
  Type type;
  std::string help;
  std::vector<double> buckets;  // histograms only
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

namespace {

void validate(const std::string& name, const Labels& labels, bool histogram) {
  if (!validName(name, true))
    throw std::invalid_argument("invalid metric name '" + name +
                                "' (must match [a-zA-Z_:][a-zA-Z0-9_:]*)");
  for (const auto& [k, v] : labels) {
    if (!validName(k, false))
      throw std::invalid_argument("invalid label name '" + k + "' for metric '" + name +
                                  "' (must match [a-zA-Z_][a-zA-Z0-9_]*)");
    if (k.rfind("__", 0) == 0)
      throw std::invalid_argument("label name '" + k + "' is reserved (starts with '__')");
    if (histogram && k == "le")
      throw std::invalid_argument("label name 'le' is reserved for histogram buckets");
  }
}

}  // namespace

template <typename T>
static T& instrument(std::map<Labels, std::unique_ptr<T>>& map, const Labels& labels,
                     std::vector<double>* buckets = nullptr) {
  auto it = map.find(labels);
  if (it == map.end()) {
    if constexpr (std::is_same_v<T, Histogram>)
      it = map.emplace(labels, std::make_unique<T>(*buckets)).first;
    else
      it = map.emplace(labels, std::make_unique<T>()).first;
  }
  return *it->second;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const Labels& labels) {
  validate(name, labels, false);
  std::lock_guard lock(m_mutex);
  auto& f = m_families[name];
  if (!f) f.reset(new Family{Type::Counter, help, {}, {}, {}, {}});
  if (f->type != Type::Counter)
    throw std::invalid_argument("metric '" + name + "' is a " + typeName(f->type) +
                                ", not a counter");
  return instrument(f->counters, labels);
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const Labels& labels) {
  validate(name, labels, false);
  std::lock_guard lock(m_mutex);
  auto& f = m_families[name];
  if (!f) f.reset(new Family{Type::Gauge, help, {}, {}, {}, {}});
  if (f->type != Type::Gauge)
    throw std::invalid_argument("metric '" + name + "' is a " + typeName(f->type) +
                                ", not a gauge");
  return instrument(f->gauges, labels);
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const Labels& labels, std::vector<double> buckets) {
  validate(name, labels, true);
  buckets = checkedBounds(std::move(buckets));
  std::lock_guard lock(m_mutex);
  auto& f = m_families[name];
  if (!f) f.reset(new Family{Type::Histogram, help, buckets, {}, {}, {}});
  if (f->type != Type::Histogram)
    throw std::invalid_argument("metric '" + name + "' is a " + typeName(f->type) +
                                ", not a histogram");
  // One family, one bucket layout: otherwise series could not be aggregated.
  if (buckets != f->buckets)
    throw std::invalid_argument("histogram '" + name + "' already uses different buckets");
  return instrument(f->histograms, labels, &f->buckets);
}

std::string MetricsRegistry::exposition() const {
  std::string out;
  std::lock_guard lock(m_mutex);
  for (const auto& [name, f] : m_families) {
    out += "# HELP " + name + ' ' + escapeHelp(f->help) + '\n';
    out += "# TYPE " + name + ' ' + typeName(f->type) + '\n';
    for (const auto& [labels, c] : f->counters)
      out += name + labelText(labels) + ' ' + formatNumber(c->value()) + '\n';
    for (const auto& [labels, g] : f->gauges)
      out += name + labelText(labels) + ' ' + formatNumber(g->value()) + '\n';
    for (const auto& [labels, h] : f->histograms) {
      const auto s = h->snapshot();
      for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
        const std::string le = i < f->buckets.size() ? formatNumber(f->buckets[i]) : "+Inf";
        out += name + "_bucket" + labelText(labels, "le", le) + ' ' +
               std::to_string(s.cumulative[i]) + '\n';
      }
      out += name + "_sum" + labelText(labels) + ' ' + formatNumber(s.sum) + '\n';
      out += name + "_count" + labelText(labels) + ' ' + std::to_string(s.count) + '\n';
    }
  }
  return out;
}

std::vector<double> MetricsRegistry::defaultSecondsBuckets() {
  return {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025,
          0.05, 0.1,    0.25, 0.5,  1,      2.5,  5,    10,     25,   50,   100};
}

MetricsRegistry& MetricsRegistry::global() {
  static MetricsRegistry registry;
  return registry;
}

}  // namespace sciagents::core::metrics
