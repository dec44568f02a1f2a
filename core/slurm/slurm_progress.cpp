#include "core/slurm/slurm_progress.h"

#include "core/slurm/job_files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sciagents::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
struct Pooled {  // Chan et al.'s parallel combination of Welford statistics
  double n = 0, mean = 0, m2 = 0, done = 0, rows = 0;
  void add(double nb, double mb, double m2b) {
    if (nb <= 0) return;
    const double total = n + nb, delta = mb - mean;
    mean += delta * nb / total;
    m2 += m2b + delta * delta * n * nb / total;
    n = total;
  }
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}
}  // namespace

std::vector<json> SlurmProgressTracker::update(const fs::path& dir, const SlurmJobStatus& st) {
  std::vector<json> events;
  const std::size_t T = st.tasks.size();
  m_seen.resize(T, 0);
  m_updated.resize(T, 0);
  std::size_t done_reported = 0;
  for (int s : m_seen) done_reported += s == 2;
  for (const auto& t : st.tasks) {
    const std::size_t k = t.index;
    if (k >= T) continue;
    if (m_seen[k] == 0 && (t.state == SlurmJobState::Running || t.final)) {
      m_seen[k] = 1;
      events.push_back({{"type", "shard_started"}, {"task", k}, {"tasks", T}});
    }
    if (m_seen[k] == 1 && t.final) {
      m_seen[k] = 2;
      ++done_reported;
      json e = {{"type", "shard_done"},
                {"task", k},
                {"tasks", T},
                {"state", slurmJobStateName(t.state)},
                {"shards_done", done_reported}};
      if (!t.error.empty()) e["error"] = t.error;
      events.push_back(std::move(e));
    }
  }
  bool changed = false;
  double fraction = 0;
  std::map<std::string, Pooled> samples;
  for (std::size_t k = 0; k < T; ++k) {
    const auto p = readJsonFile(slurm_files::taskDir(dir, k) / "progress.json");
    const bool final = st.tasks[k].final;
    double f = final ? 1.0 : 0.0;
    if (p && p->is_object()) {
      const auto updated = p->value("updated_unix_us", std::int64_t{0});
      if (updated != m_updated[k]) changed = true, m_updated[k] = updated;
      if (!final) f = std::clamp(p->value("fraction", 0.0), 0.0, 1.0);
      if (p->contains("samples") && (*p)["samples"].is_object()) {
        const json& s = (*p)["samples"];
        Pooled& pool = samples[s.value("step", std::string())];
        pool.add(s.value("count", 0.0), s.value("mean", 0.0), s.value("m2", 0.0));
        pool.done += s.value("done", 0.0);
        pool.rows += s.value("rows", 0.0);
      }
    }
    fraction += f / static_cast<double>(std::max<std::size_t>(1, T));
  }
  if (fraction != m_fraction) changed = true;
  m_fraction = fraction;
  if (changed || !events.empty()) {
    json e = {{"type", "progress"},
              {"fraction", fraction},
              {"shards_done", st.done},
              {"shards", st.total},
              {"running", st.running}};
    json list = json::array();
    for (const auto& [step, p] : samples) {
      json s = {{"step", step}, {"done", p.done}, {"rows", p.rows}};
      if (p.n > 0) s["mean"] = p.mean;
      if (p.n > 1) s["ci_halfwidth"] = 1.959963984540054 * std::sqrt(p.m2 / (p.n - 1) / p.n);
      list.push_back(std::move(s));
    }
    if (!list.empty()) e["samples"] = std::move(list);
    events.push_back(std::move(e));
  }
  return events;
}

std::string describeProgressEvent(const json& e) {
  const std::string type = e.value("type", std::string());
  const std::string of =
      std::to_string(e.value("task", 0)) + " of " + std::to_string(e.value("tasks", 0));
  if (type == "shard_started") return "shard " + of + " running";
  if (type == "shard_done") {
    std::string line = "shard " + of + " " + e.value("state", std::string()) + " (" +
                       std::to_string(e.value("shards_done", 0)) + "/" +
                       std::to_string(e.value("tasks", 0)) + " done)";
    if (e.contains("error")) line += ": " + e.value("error", std::string());
    return line;
  }
  std::string line = "progress " +
                     std::to_string(static_cast<int>(std::floor(100 * e.value("fraction", 0.0)))) +
                     "%: " + std::to_string(e.value("shards_done", 0)) + "/" +
                     std::to_string(e.value("shards", 0)) + " shards done";
  if (e.contains("samples"))
    for (const auto& s : e["samples"]) {
      line += "; " + s.value("step", std::string()) + " " + fixed(s.value("done", 0.0), 12) + "/" +
              fixed(s.value("rows", 0.0), 12) + " model values";
      if (s.contains("mean")) line += ", running mean " + fixed(s["mean"].get<double>(), 6);
      if (s.contains("ci_halfwidth")) line += " ± " + fixed(s["ci_halfwidth"].get<double>(), 2);
    }
  return line;
}

}  // namespace sciagents::core
