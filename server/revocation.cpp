#include "server/revocation.h"

#include "core/store/token_store.h"
#include "server/http_server.h"
#include "server/job_manager.h"
#include "server/log.h"

#include <chrono>
#include <vector>

namespace sciagents::server {

Revocation::Revocation(core::store::TokenStore& tokens, JobManager& jobs, HttpServer& http,
                       RevokePolicy policy)
    : m_tokens(tokens), m_jobs(jobs), m_http(http), m_policy(policy) {}

Revocation::~Revocation() { stop(); }

void Revocation::start() {
  m_tokens.refreshRevoked();  // the baseline: tokens active now
  m_thread = std::thread([this] { loop(); });
}

void Revocation::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void Revocation::loop() {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    m_cv.wait_for(lock, std::chrono::milliseconds(200));
    if (m_stop) break;
    const auto now = std::chrono::steady_clock::now();
    while (!m_recent.empty() && m_recent.front().second < now) m_recent.pop_front();
    std::vector<std::string> recent;
    for (const auto& r : m_recent) recent.push_back(r.first);
    lock.unlock();
    for (const auto& id : recent) m_http.closeStreamsOf(id);
    try {
      for (const auto& id : m_tokens.refreshRevoked()) apply(id);
    } catch (const std::exception& e) {
      logEvent(spdlog::level::err, "cannot check for revoked tokens", {{"error", e.what()}});
    }
    lock.lock();
  }
}

void Revocation::apply(const std::string& token_id) {
  {
    std::lock_guard lock(m_mutex);
    m_recent.emplace_back(token_id, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
  const int streams = m_http.closeStreamsOf(token_id);
  int cancelled = 0;
  if (m_policy == RevokePolicy::Cancel) {
    // Through the job manager's public cancel(): queued jobs end at once, running ones stop.
    for (auto state : {JobState::Queued, JobState::Running})
      for (const auto& id : m_jobs.store().idsOf(token_id, state))
        if (m_jobs.cancel(id)) ++cancelled;
  }
  logEvent(spdlog::level::info, "revoked token: streams closed, jobs handled per policy",
           {{"token_id", token_id},
            {"streams_closed", streams},
            {"policy", m_policy == RevokePolicy::Cancel ? "cancel" : "finish"},
            {"jobs_cancelled", cancelled}});
}

}  // namespace sciagents::server
