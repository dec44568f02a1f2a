#include "server/worker_protocol.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>

namespace sciagents::server {

nlohmann::json toJson(const WorkerRequest& r) {
  nlohmann::json j = {{"spec", r.spec},
                      {"use_cache", r.use_cache},
                      {"cache_dir", r.cache_dir.string()},
                      {"threads", r.threads}};
  if (r.seed) j["seed"] = *r.seed;
  if (r.cpu_s > 0) j["cpu_s"] = r.cpu_s;
  if (const auto& l = r.step_limits)
    j["step_limits"] = {{"max_grid_points", l->max_grid_points},
                        {"max_memory_mb", l->max_memory_mb},
                        {"max_work", l->max_work},
                        {"max_solver_steps", l->max_solver_steps},
                        {"max_sweep_points", l->max_sweep_points},
                        {"max_steps", l->max_steps},
                        {"external_roots", l->external_roots},
                        {"external_time_s", l->external_time_s},
                        {"external_memory_mb", l->external_memory_mb}};
  if (!r.results_dir.empty())
    j["results"] = {{"job_id", r.job_id},
                    {"dir", r.results_dir.string()},
                    {"max_result_bytes", r.result_limits.max_result_bytes},
                    {"quota_bytes", r.result_limits.quota_bytes},
                    {"sidecar_min_elements", r.result_limits.sidecar_min_elements},
                    {"owner_used", r.owner_used}};
  return j;
}

WorkerRequest workerRequestFromJson(const nlohmann::json& j) {
  WorkerRequest r;
  r.spec = j.at("spec").get<std::string>();
  if (j.contains("seed")) r.seed = j["seed"].get<std::uint64_t>();
  r.use_cache = j.value("use_cache", true);
  r.cache_dir = j.value("cache_dir", std::string());
  r.threads = j.value("threads", 1);
  r.cpu_s = j.value("cpu_s", std::int64_t{0});
  if (const auto it = j.find("step_limits"); it != j.end() && it->is_object()) {
    AdmissionLimits l;
    l.max_grid_points = it->value("max_grid_points", l.max_grid_points);
    l.max_memory_mb = it->value("max_memory_mb", l.max_memory_mb);
    l.max_work = it->value("max_work", l.max_work);
    l.max_solver_steps = it->value("max_solver_steps", l.max_solver_steps);
    l.max_sweep_points = it->value("max_sweep_points", l.max_sweep_points);
    l.max_steps = it->value("max_steps", l.max_steps);
    l.external_roots = it->value("external_roots", std::vector<std::string>{});
    l.external_time_s = it->value("external_time_s", l.external_time_s);
    l.external_memory_mb = it->value("external_memory_mb", l.external_memory_mb);
    r.step_limits = l;
  }
  if (const auto it = j.find("results"); it != j.end() && it->is_object()) {
    r.job_id = it->value("job_id", std::string());
    r.results_dir = it->value("dir", std::string());
    r.result_limits.max_result_bytes = it->value("max_result_bytes", std::uint64_t{0});
    r.result_limits.quota_bytes = it->value("quota_bytes", std::uint64_t{0});
    r.result_limits.sidecar_min_elements = it->value("sidecar_min_elements", std::size_t{0});
    r.owner_used = it->value("owner_used", std::int64_t{0});
  }
  return r;
}

bool writeMessage(int fd, const nlohmann::json& j) {
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::send(fd, p, left, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> LineReader::next() {
  // Searches only bytes not searched before: a long line arriving in many pieces costs O(n).
  const auto nl = m_buf.find('\n', std::max(m_pos, m_scan));
  if (nl == std::string::npos) {
    m_scan = m_buf.size();
    if (m_pos > 0) {  // keep the buffer small: drop consumed lines
      m_buf.erase(0, m_pos);
      m_scan -= m_pos;
      m_pos = 0;
    }
    return std::nullopt;
  }
  std::string line = m_buf.substr(m_pos, nl - m_pos);
  m_pos = nl + 1;
  m_scan = m_pos;
  return line;
}

}  // namespace sciagents::server
