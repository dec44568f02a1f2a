// Summaries of many samples computed block by block in parallel with results that do not depend on
// the thread count: moments merged over a fixed tree of blocks, exact quantiles found by bucket
// counting and selection in the few buckets that hold them, and histogram counts.
#pragma once

#include "core/value/value.h"

#include <cstddef>
#include <vector>

namespace sciagents::core::agents::uq {

// Count, mean and sum of squared deviations of a set of values.
struct Moments {
  double n = 0, mean = 0, m2 = 0;
};

// The finite values among y[0..len): two passes (mean, then squared deviations with the
// compensating term of the corrected two-pass formula).
Moments finiteMoments(const double* y, std::size_t len);
// Chan, Golub and LeVeque's update for the union of two sets.
Moments mergeMoments(const Moments& a, const Moments& b);
// Pairwise over a fixed tree ((0,1), (2,3), ... then their results, and so on): the result depends
// on the blocks only, not on the order in which they were computed. Rounding error grows with the
// depth of the tree (log2 of the number of blocks) plus the blocks' own, instead of with the
// number of samples as in a sequential Welford update.
Moments mergeTree(std::vector<Moments> blocks);

// Quantiles (linear interpolation, as quantileSorted and NumPy) of the n finite values y[0..n),
// whose smallest and largest are `min` and `max`: identical numbers to sorting. The values are
// counted into 65536 buckets of equal width (the bucket of a value is monotone in the value, so
// order statistic k lies in the bucket where the running count passes k), then only the buckets
// holding a needed order statistic are gathered and searched by selection. Blocks of `block`
// values are spread over `threads` threads. When every bin of a 30-bin histogram is needed, pass
// `bins` > 0 and `hist_counts`: the counts of histogram() over [min, max] are filled in the same
// pass.
Vector quantilesByBuckets(const double* y, std::size_t n, const Vector& levels, double min,
                          double max, std::size_t block, int threads, int bins = 0,
                          Vector* hist_counts = nullptr);

// The histogram table of histogram() (uq_common.h) from its counts over [lo, hi] of `total` values.
Value histogramTable(const Vector& count, double lo, double hi, double total);
// The bin of value v in histogram() over [lo, hi] with `bins` bins.
inline Eigen::Index histogramBin(double v, double lo, double width, int bins) {
  const auto b = static_cast<Eigen::Index>((v - lo) / width);
  return b < 0 ? 0 : (b > bins - 1 ? bins - 1 : b);
}
inline double histogramWidth(double lo, double hi, int bins) {
  return hi > lo ? (hi - lo) / bins : 1.0;
}

}  // namespace sciagents::core::agents::uq
