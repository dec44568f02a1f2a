#include "core/agents/uq/sample_summary.h"

#include "core/agents/uq/uq_common.h"
#include "core/runtime/parallel_blocks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sciagents::core::agents::uq {

Moments finiteMoments(const double* y, std::size_t len) {
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < len; ++i)
    if (std::isfinite(y[i])) sum += y[i], ++count;
  Moments m;
  if (count == 0) return m;
  m.n = static_cast<double>(count);
  m.mean = sum / m.n;
  double s2 = 0, s1 = 0;
  for (std::size_t i = 0; i < len; ++i)
    if (std::isfinite(y[i])) {
      const double d = y[i] - m.mean;
      s1 += d;
      s2 += d * d;
    }
  m.m2 = s2 - s1 * s1 / m.n;
  return m;
}

Moments mergeMoments(const Moments& a, const Moments& b) {
  if (a.n == 0) return b;
  if (b.n == 0) return a;
  Moments m;
  m.n = a.n + b.n;
  const double delta = b.mean - a.mean;
  m.mean = a.mean + delta * (b.n / m.n);
  m.m2 = a.m2 + b.m2 + delta * delta * (a.n * b.n / m.n);
  return m;
}

Moments mergeTree(std::vector<Moments> v) {
  if (v.empty()) return {};
  while (v.size() > 1) {
    std::vector<Moments> next((v.size() + 1) / 2);
    for (std::size_t i = 0; i < next.size(); ++i)
      next[i] = 2 * i + 1 < v.size() ? mergeMoments(v[2 * i], v[2 * i + 1]) : v[2 * i];
    v = std::move(next);
  }
  return v[0];
}

namespace {
constexpr std::size_t kBuckets = 65536;
}  // namespace

Vector quantilesByBuckets(const double* y, std::size_t n, const Vector& levels, double min,
                          double max, std::size_t block, int threads, int bins,
                          Vector* hist_counts) {
  Vector q = Vector::Constant(levels.size(), NAN);
  if (n == 0) return q;
  const double range = max - min;
  if (!std::isfinite(range)) {  // buckets of equal width do not exist: select on a copy
    std::vector<double> copy(y, y + n);
    q = quantilesBySelection(copy, levels);
    if (bins > 0 && hist_counts) {
      const double width = histogramWidth(min, max, bins);
      *hist_counts = Vector::Zero(bins);
      for (std::size_t i = 0; i < n; ++i) (*hist_counts)[histogramBin(y[i], min, width, bins)] += 1;
    }
    return q;
  }
  const double scale = range > 0 ? static_cast<double>(kBuckets) / range : 0.0;
  auto bucketOf = [&](double v) {
    const double t = (v - min) * scale;
    return t >= static_cast<double>(kBuckets - 1) ? kBuckets - 1 : static_cast<std::size_t>(t);
  };
  const std::size_t blocks = (n + block - 1) / block;
  const int slots = std::max(1, threads);
  const double width = histogramWidth(min, max, std::max(1, bins));
  // Pass 1: bucket counts (and histogram counts), one array per thread, summed afterwards.
  std::vector<std::vector<std::uint64_t>> counts(static_cast<std::size_t>(slots));
  std::vector<std::vector<std::uint64_t>> hcounts(static_cast<std::size_t>(slots));
  parallelBlocks(blocks, slots, [&](std::size_t b, int slot) {
    auto& c = counts[static_cast<std::size_t>(slot)];
    auto& h = hcounts[static_cast<std::size_t>(slot)];
    if (c.empty()) c.assign(kBuckets, 0);
    if (bins > 0 && h.empty()) h.assign(static_cast<std::size_t>(bins), 0);
    const std::size_t start = b * block, end = std::min(n, start + block);
    for (std::size_t i = start; i < end; ++i) ++c[bucketOf(y[i])];
    if (bins > 0)
      for (std::size_t i = start; i < end; ++i)
        ++h[static_cast<std::size_t>(histogramBin(y[i], min, width, bins))];
  });
  std::vector<std::uint64_t> total(kBuckets, 0);
  for (const auto& c : counts)
    if (!c.empty())
      for (std::size_t k = 0; k < kBuckets; ++k) total[k] += c[k];
  if (bins > 0 && hist_counts) {
    *hist_counts = Vector::Zero(bins);
    for (const auto& h : hcounts)
      if (!h.empty())
        for (int k = 0; k < bins; ++k)
          (*hist_counts)[k] += static_cast<double>(h[static_cast<std::size_t>(k)]);
  }
  // The order statistics needed (each level's two neighbours, as quantileSorted reads them) and
  // the bucket of each: the first whose running count passes k.
  std::vector<std::size_t> ks;
  for (double p : levels) {
    const auto lo = static_cast<std::size_t>(std::floor((static_cast<double>(n) - 1) * p));
    ks.push_back(std::min(lo, n - 1));
    ks.push_back(std::min(lo + 1, n - 1));
  }
  std::vector<std::uint64_t> before(kBuckets + 1, 0);  // values in buckets below k
  for (std::size_t k = 0; k < kBuckets; ++k) before[k + 1] = before[k] + total[k];
  auto bucketOfRank = [&](std::size_t k) {
    return static_cast<std::size_t>(std::upper_bound(before.begin(), before.end(), k) -
                                    before.begin()) -
           1;
  };
  std::vector<int> slot_of(kBuckets, -1);  // needed bucket -> index into `gathered`
  std::vector<std::size_t> needed;
  for (std::size_t k : ks) {
    const std::size_t c = bucketOfRank(k);
    if (slot_of[c] < 0) slot_of[c] = static_cast<int>(needed.size()), needed.push_back(c);
  }
  // Pass 2: the values of the needed buckets, gathered per block (kept in block order).
  std::vector<std::vector<std::vector<double>>> per_block(blocks);
  parallelBlocks(blocks, slots, [&](std::size_t b, int) {
    auto& out = per_block[b];
    out.resize(needed.size());
    const std::size_t start = b * block, end = std::min(n, start + block);
    for (std::size_t i = start; i < end; ++i)
      if (const int s = slot_of[bucketOf(y[i])]; s >= 0)
        out[static_cast<std::size_t>(s)].push_back(y[i]);
  });
  std::vector<std::vector<double>> gathered(needed.size());
  for (std::size_t s = 0; s < needed.size(); ++s) {
    gathered[s].reserve(total[needed[s]]);
    for (const auto& pb : per_block)
      gathered[s].insert(gathered[s].end(), pb[s].begin(), pb[s].end());
  }
  auto orderStatistic = [&](std::size_t k) {
    const std::size_t c = bucketOfRank(k);
    auto& v = gathered[static_cast<std::size_t>(slot_of[c])];
    const auto pos = static_cast<std::ptrdiff_t>(k - before[c]);
    std::nth_element(v.begin(), v.begin() + pos, v.end());
    return v[static_cast<std::size_t>(pos)];
  };
  for (Eigen::Index i = 0; i < levels.size(); ++i) {  // quantileSorted's interpolation
    const double h = (static_cast<double>(n) - 1) * levels[i];
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, n - 1);
    const double vlo = orderStatistic(std::min(lo, n - 1)), vhi = orderStatistic(hi);
    q[i] = vlo + (h - static_cast<double>(lo)) * (vhi - vlo);
  }
  return q;
}

Value histogramTable(const Vector& count, double lo, double hi, double total) {
  const auto bins = static_cast<int>(count.size());
  const double width = histogramWidth(lo, hi, bins);
  Vector blo(bins), bhi(bins), density(bins);
  for (int b = 0; b < bins; ++b) {
    blo[b] = lo + b * width;
    bhi[b] = b + 1 == bins && hi > lo ? hi : lo + (b + 1) * width;
    density[b] = count[b] / (total * width);
  }
  Table t;
  t.columns = {"bin_lo", "bin_hi", "count", "density"};
  t.data = {Value(blo), Value(bhi), Value(count), Value(density)};
  return t;
}

}  // namespace sciagents::core::agents::uq
