// What revoking a token does beyond refusing its next request (issue 22): its open event streams
// close at once, and its queued and running jobs are cancelled (policy "cancel", the default) or
// left to finish (policy "finish"; their results stay readable by admin tokens only). Revocations
// made by another process (`sciagents serve token revoke`) are noticed by polling the token store
// every 200 ms; the admin route DELETE /v1/tokens/{name} applies them at once.
#pragma once

#include "server/server_config.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sciagents::core::store {
class TokenStore;
}

namespace sciagents::server {

class HttpServer;
class JobManager;

class Revocation {
 public:
  Revocation(core::store::TokenStore& tokens, JobManager& jobs, HttpServer& http,
             RevokePolicy policy);
  ~Revocation();
  Revocation(const Revocation&) = delete;
  Revocation& operator=(const Revocation&) = delete;

  void start();  // records the active tokens, then polls for revocations
  void stop();
  // Applies a revocation of token `token_id` now (idempotent).
  void apply(const std::string& token_id);

 private:
  void loop();

  core::store::TokenStore& m_tokens;
  JobManager& m_jobs;
  HttpServer& m_http;
  RevokePolicy m_policy;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  // Recently revoked ids: their streams are closed again for a few seconds, in case one was
  // opened by a request authenticated just before the revocation.
  std::deque<std::pair<std::string, std::chrono::steady_clock::time_point>> m_recent;
  std::thread m_thread;
};

}  // namespace sciagents::server
