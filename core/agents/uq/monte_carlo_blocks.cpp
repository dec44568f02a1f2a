#include "core/agents/uq/monte_carlo_blocks.h"

#include "core/agent/expression_model.h"
#include "core/agents/uq/uq_common.h"
#include "core/expr/expression.h"
#include "core/runtime/parallel_blocks.h"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace sciagents::core::agents::uq {

namespace {

// Rows [start, start + len) of the inputs, column-major with `len` rows, into x.
void drawBlock(const InputSet& in, const Stream& stream, const Matrix* lhs, std::size_t start,
               std::size_t len, double* x) {
  const std::size_t d = in.size();
  if (in.chol) {  // Gaussian copula: the same row-wise map as InputSet::fromUniform
    Matrix u(static_cast<Eigen::Index>(len), static_cast<Eigen::Index>(d));
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t r = 0; r < len; ++r)
        u(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) =
            lhs ? (*lhs)(static_cast<Eigen::Index>(start + r), static_cast<Eigen::Index>(j))
                : stream.uniform((start + r) * d + j);
    const Matrix xb = in.fromUniform(u);
    std::copy(xb.data(), xb.data() + xb.size(), x);
    return;
  }
  for (std::size_t j = 0; j < d; ++j) {
    double* col = x + j * len;
    if (lhs)
      for (std::size_t r = 0; r < len; ++r)
        col[r] = (*lhs)(static_cast<Eigen::Index>(start + r), static_cast<Eigen::Index>(j));
    else
      for (std::size_t r = 0; r < len; ++r) col[r] = stream.uniform((start + r) * d + j);
    const Distribution& dist = in.dists[j];
    if (dist.kind == Distribution::Kind::Uniform) {  // Distribution::quantile's formula, inlined
      const double a = dist.p[0], w = dist.p[1] - dist.p[0];
      for (std::size_t r = 0; r < len; ++r) col[r] = a + w * col[r];
    } else {
      for (std::size_t r = 0; r < len; ++r) col[r] = dist.quantile(col[r]);
    }
  }
}

// The finished prefix of blocks, merged in block order, for the live series.
struct Prefix {
  std::mutex mutex;
  std::vector<char> done;
  std::size_t blocks = 0;  // finished prefix
  Moments m;
  std::size_t rows = 0;
};

}  // namespace

BlockStudy sampleExpressionBlocks(TaskContext& ctx, const InputSet& in, const Expression& e,
                                  ModelEvaluator& model, std::uint64_t seed, std::int64_t n_samples,
                                  const Matrix* lhs, bool keep_samples, double conf) {
  const auto n = static_cast<std::size_t>(n_samples);
  const std::size_t d = in.size(), block = kMonteCarloBlock;
  const std::size_t blocks = (n + block - 1) / block;
  const int threads = std::max(1, ctx.threads());
  const Stream stream(seed, 1);
  BlockStudy out;
  out.y = SampleBuffer(n);
  if (keep_samples) out.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  std::vector<Moments> moments(blocks);
  std::vector<double> mins(blocks, INFINITY), maxs(blocks, -INFINITY);
  std::vector<std::vector<BlockFailure>> failures(blocks);
  std::vector<std::vector<double>> scratch(static_cast<std::size_t>(threads));
  Prefix prefix;
  prefix.done.assign(blocks, 0);
  const std::size_t chunk = std::max<std::size_t>(64, (n + 19) / 20);  // rows between live points
  std::size_t next_report = chunk;
  auto report = [&](bool last) {  // on the calling thread
    std::size_t rows;
    Moments m;
    {
      std::lock_guard lock(prefix.mutex);
      while (prefix.blocks < blocks && prefix.done[prefix.blocks]) {
        prefix.m = mergeMoments(prefix.m, moments[prefix.blocks]);
        prefix.rows = std::min(n, (prefix.blocks + 1) * block);
        ++prefix.blocks;
      }
      rows = prefix.rows, m = prefix.m;
    }
    if (rows < next_report && !last) return;
    while (next_report <= rows) next_report += chunk;
    ctx.metric("running_mean", static_cast<double>(rows), m.mean);
    if (m.n > 1)
      ctx.metric("ci_halfwidth", static_cast<double>(rows),
                 studentQuantile(m.n - 1, 0.5 + conf / 2) * std::sqrt(m.m2 / (m.n - 1) / m.n));
    ctx.progress(static_cast<double>(rows) / static_cast<double>(n), "sampling");
  };
  parallelBlocks(blocks, threads, [&](std::size_t b, int slot) {
    ctx.checkCancelled();
    const std::size_t start = b * block, len = std::min(block, n - start);
    auto& x = scratch[static_cast<std::size_t>(slot)];
    x.resize(block * d);
    drawBlock(in, stream, lhs, start, len, x.data());
    double* y = out.y.data() + start;
    e.evalMany(x.data(), len, len, y);
    if (keep_samples)
      for (std::size_t j = 0; j < d; ++j)
        std::copy(x.data() + j * len, x.data() + (j + 1) * len, out.x.data() + j * n + start);
    moments[b] = finiteMoments(y, len);
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t r = 0; r < len; ++r) {
      if (std::isfinite(y[r])) {
        lo = std::min(lo, y[r]);
        hi = std::max(hi, y[r]);
        continue;
      }
      BlockFailure f;
      f.row = start + r;
      f.value = y[r];
      for (std::size_t j = 0; j < d; ++j) f.point.push_back(x[j * len + r]);
      failures[b].push_back(std::move(f));
      y[r] = NAN;
    }
    mins[b] = lo, maxs[b] = hi;
    {
      std::lock_guard lock(prefix.mutex);
      prefix.done[b] = 1;
    }
    if (slot == 0) report(false);
  });
  report(true);
  std::vector<BlockFailure> failed;
  for (auto& f : failures)
    for (auto& one : f) out.failed.push_back(one.row), failed.push_back(std::move(one));
  noteBlockEvaluations(model, n, failed);
  out.moments = mergeTree(std::move(moments));
  if (out.moments.n > 0) {
    out.min = *std::min_element(mins.begin(), mins.end());
    out.max = *std::max_element(maxs.begin(), maxs.end());
  }
  return out;
}

}  // namespace sciagents::core::agents::uq
