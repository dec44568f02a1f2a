#include "core/slurm/study_shard.h"

#include "core/agent/task_context.h"
#include "core/slurm/job_files.h"
#include "core/slurm/task_progress.h"
#include "core/util/error.h"
#include "core/workflow/workflow_graph.h"

#include <cmath>
#include <limits>
#include <mutex>
#include <set>

namespace sciagents::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Evaluates only rows [begin, end) of the design; the others read as NaN. Once the block is done it
// is saved and the task is stopped with ModelShardDone.
class BlockEvaluator final : public ModelEvaluator {
 public:
  BlockEvaluator(std::unique_ptr<ModelEvaluator> inner, std::string step, fs::path file,
                 std::size_t rows, std::size_t index, std::size_t count,
                 std::shared_ptr<TaskProgressFile> progress)
      : m_inner(std::move(inner)),
        m_step(std::move(step)),
        m_file(std::move(file)),
        m_rows(rows),
        m_index(index),
        m_count(count),
        m_progress(std::move(progress)) {
    std::tie(m_begin, m_end) = studyBlock(rows, index, count);
    m_values.reserve(m_end - m_begin);
  }

  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    const std::size_t off = m_offset, len = static_cast<std::size_t>(points.rows());
    m_offset += len;
    Vector y = Vector::Constant(points.rows(), std::numeric_limits<double>::quiet_NaN());
    const std::size_t b = std::max(m_begin, off), e = std::min(m_end, off + len);
    if (b < e) {
      const std::size_t before = m_values.size();
      std::mutex mutex;
      Vector part;
      try {
        part = m_inner->evaluate(
            points.middleRows(static_cast<Eigen::Index>(b - off), static_cast<Eigen::Index>(e - b)),
            ctx, [&](std::size_t n) {
              std::lock_guard lock(mutex);
              if (done) done(b - off + n);
              if (m_progress)
                m_progress->samples(m_step, m_end - m_begin, before + n, m_count_stats, m_mean,
                                    m_m2);
            });
      } catch (const Error& err) {  // sample numbers count from the first row of this call
        if (err.code() == ErrorCode::Cancelled) throw;
        throw Error(err.code(),
                    err.bareMessage() + " (in study shard " + std::to_string(m_index) + " of " +
                        std::to_string(m_count) + ", rows " + std::to_string(b) + ".." +
                        std::to_string(e - 1) + " of the design; sample #0 is row " +
                        std::to_string(b) + ")",
                    err.step(), err.param());
      }
      y.segment(static_cast<Eigen::Index>(b - off), part.size()) = part;
      for (double v : part) {  // Welford, in row order: the running statistics of this block
        m_values.push_back(v);
        ++m_count_stats;
        const double delta = v - m_mean;
        m_mean += delta / static_cast<double>(m_count_stats);
        m_m2 += delta * (v - m_mean);
      }
      if (m_progress)
        m_progress->samples(m_step, m_end - m_begin, m_values.size(), m_count_stats, m_mean, m_m2);
    }
    if (m_offset >= m_end || m_offset >= m_rows) finish();
    return y;
  }

  std::string describe() const override { return m_inner->describe(); }
  Map diagnostics() const override { return m_inner->diagnostics(); }

 private:
  [[noreturn]] void finish() {
    json doc = {{"step", m_step},   {"task", m_index}, {"tasks", m_count},  {"rows", m_rows},
                {"begin", m_begin}, {"end", m_end},    {"values", m_values}};
    std::string why;
    if (!writeFileAtomic(m_file, doc.dump() + "\n", &why))
      throw Error(ErrorCode::RunFailed, "cannot save the model values of study shard " +
                                            std::to_string(m_index) + ": " + why);
    if (m_progress) m_progress->flush();
    throw ModelShardDone(Map{{"study_shard", Map{{"index", static_cast<std::int64_t>(m_index)},
                                                 {"count", static_cast<std::int64_t>(m_count)},
                                                 {"rows", static_cast<std::int64_t>(m_rows)},
                                                 {"begin", static_cast<std::int64_t>(m_begin)},
                                                 {"end", static_cast<std::int64_t>(m_end)},
                                                 {"file", m_file.string()}}},
                             {"model", m_inner->diagnostics()}});
  }

  std::unique_ptr<ModelEvaluator> m_inner;
  std::string m_step;
  fs::path m_file;
  std::size_t m_rows, m_index, m_count, m_begin = 0, m_end = 0, m_offset = 0;
  std::vector<double> m_values;
  std::size_t m_count_stats = 0;
  double m_mean = 0, m_m2 = 0;
  std::shared_ptr<TaskProgressFile> m_progress;
};

// Serves every row from the blocks the tasks saved; evaluates nothing.
class ReplayEvaluator final : public ModelEvaluator {
 public:
  ReplayEvaluator(std::unique_ptr<ModelEvaluator> inner, const std::string& step,
                  const fs::path& job_dir, std::size_t rows, std::size_t count)
      : m_inner(std::move(inner)), m_y(static_cast<Eigen::Index>(rows)), m_count(count) {
    for (std::size_t k = 0; k < count; ++k) {
      const auto [b, e] = studyBlock(rows, k, count);
      const fs::path file = studyBlockFile(slurm_files::taskDir(job_dir, k), step);
      const auto doc = readJsonFile(file);
      const std::string who = "study shard " + std::to_string(k) + " of " + std::to_string(count);
      if (!doc)
        throw Error(ErrorCode::RunFailed, who + ": no model values in '" + file.string() + "'",
                    step);
      if (doc->value("rows", std::size_t{0}) != rows || doc->value("begin", std::size_t{0}) != b ||
          doc->value("end", std::size_t{0}) != e || !(*doc)["values"].is_array() ||
          (*doc)["values"].size() != e - b)
        throw Error(ErrorCode::RunFailed,
                    who + ": '" + file.string() + "' holds rows [" +
                        std::to_string(doc->value("begin", 0)) + ", " +
                        std::to_string(doc->value("end", 0)) + ") of " +
                        std::to_string(doc->value("rows", 0)) + ", expected [" + std::to_string(b) +
                        ", " + std::to_string(e) + ") of " + std::to_string(rows) +
                        " (was the workflow changed?)",
                    step);
      std::size_t r = b;
      for (const auto& v : (*doc)["values"]) m_y[static_cast<Eigen::Index>(r++)] = v.get<double>();
    }
  }

  Vector evaluate(const Matrix& points, const TaskContext& ctx, const DoneCallback& done) override {
    ctx.checkCancelled();
    const auto len = points.rows();
    if (m_offset + len > m_y.size())
      throw Error(ErrorCode::RunFailed,
                  "internal: the study asked for more rows than its design has");
    Vector y = m_y.segment(m_offset, len);
    m_offset += len;
    if (done) done(static_cast<std::size_t>(len));
    return y;
  }

  std::string describe() const override { return m_inner->describe(); }
  Map diagnostics() const override {
    Map d = m_inner->diagnostics();
    d["evaluations"] = static_cast<std::int64_t>(m_y.size());
    d["study_shards"] = static_cast<std::int64_t>(m_count);
    return d;
  }

 private:
  std::unique_ptr<ModelEvaluator> m_inner;
  Vector m_y;
  Eigen::Index m_offset = 0;
  std::size_t m_count;
};

}  // namespace

std::pair<std::size_t, std::size_t> studyBlock(std::size_t rows, std::size_t k, std::size_t tasks) {
  // floor(rows i / tasks) without overflow: rows = q tasks + r.
  const std::size_t q = rows / tasks, r = rows % tasks;
  const auto at = [&](std::size_t i) { return q * i + r * i / tasks; };
  return {at(k), at(k + 1)};
}

bool isStudyTask(const std::string& agent, const std::string& task) {
  return agent == "uq" && (task == "sobol" || task == "monte_carlo" || task == "lhs");
}

bool studyShardable(const Workflow& w, std::string* why) {
  std::set<std::string> studies;
  for (const auto& s : w.steps) {
    if (s.sweep) {
      if (why) *why = "step '" + s.id + "' is swept (sweeps are split by sweep points)";
      return false;
    }
    if (isStudyTask(s.agent, s.task) && s.params.is_object() && s.params.contains("model"))
      studies.insert(s.id);
  }
  if (studies.empty()) {
    if (why)
      *why =
          "the workflow has no sweep and no sampling study (uq.sobol, uq.monte_carlo or uq.lhs "
          "with a model)";
    return false;
  }
  const WorkflowGraph graph(w);
  for (const auto& ref : graph.references())
    if (studies.count(ref.to)) {
      if (why) *why = "step '" + ref.from + "' uses the study step '" + ref.to + "'";
      return false;
    }
  return true;
}

fs::path studyBlockFile(const fs::path& task_dir, const std::string& step) {
  return task_dir / ("model-" + step + ".json");
}

std::shared_ptr<StudyShard> StudyShard::evaluating(fs::path task_dir, std::size_t index,
                                                   std::size_t count,
                                                   std::shared_ptr<TaskProgressFile> progress) {
  auto s = std::make_shared<StudyShard>();
  s->m_partial = true;
  s->m_dir = std::move(task_dir);
  s->m_index = index;
  s->m_count = std::max<std::size_t>(1, count);
  s->m_progress = std::move(progress);
  return s;
}

std::shared_ptr<StudyShard> StudyShard::replaying(fs::path job_dir, std::size_t count) {
  auto s = std::make_shared<StudyShard>();
  s->m_partial = false;
  s->m_dir = std::move(job_dir);
  s->m_count = std::max<std::size_t>(1, count);
  return s;
}

std::unique_ptr<ModelEvaluator> StudyShard::wrap(std::unique_ptr<ModelEvaluator> model,
                                                 const TaskContext& ctx, std::size_t rows) {
  if (m_partial)
    return std::make_unique<BlockEvaluator>(std::move(model), ctx.stepId(),
                                            studyBlockFile(m_dir, ctx.stepId()), rows, m_index,
                                            m_count, m_progress);
  return std::make_unique<ReplayEvaluator>(std::move(model), ctx.stepId(), m_dir, rows, m_count);
}

}  // namespace sciagents::core
