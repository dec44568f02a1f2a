// The pipe between the server and a job worker process (`sciagents serve --job-worker FD`): one
// JSON document per line over a Unix socketpair (the worker's end is FD). Server -> worker: one
// request line. Worker -> server:
//   {"type":"started"}                                  limits set, about to read the request
//   {"type":"step_started","step","agent","task"}
//   {"type":"step_finished","step","agent","task","status","cached","seconds","error"}
//   {"type":"progress","step","fraction","message"}
//   {"type":"metric","step","series","x","y"}
//   {"type":"result","state","error","result"}         the last line of a run (result: a string,
//                                                       or "stored":{file,bytes} / "store_error")
//   {"type":"error","message"}                          the run could not start
#pragma once

#include "server/job_limits.h"
#include "server/result_files.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sciagents::server {

struct WorkerRequest {
  std::string spec;  // workflow JSON
  std::optional<std::uint64_t> seed;
  bool use_cache = true;
  std::filesystem::path cache_dir;
  int threads = 1;
  // Where the worker writes the result (server/result_files.h); empty dir: sent back inline.
  std::string job_id;
  std::filesystem::path results_dir;
  ResultLimits result_limits;
  std::int64_t owner_used = 0;  // bytes of the owner's other stored results
  std::int64_t cpu_s = 0;       // RLIMIT_CPU of this job (set when the request arrives); 0: none
  std::optional<AdmissionLimits> step_limits;  // checked before each step runs
};

nlohmann::json toJson(const WorkerRequest& r);
WorkerRequest workerRequestFromJson(const nlohmann::json& j);

// Writes `j` as one line; false when the other end is gone (no SIGPIPE).
bool writeMessage(int fd, const nlohmann::json& j);

// Splits a byte stream into lines.
class LineReader {
 public:
  void append(const char* data, std::size_t n) { m_buf.append(data, n); }
  std::optional<std::string> next();  // a complete line without its '\n'

 private:
  std::string m_buf;
  std::size_t m_pos = 0;   // start of the next line
  std::size_t m_scan = 0;  // no '\n' in [m_pos, m_scan)
};

// The worker mode of the sciagents binary: sets its limits (RLIMIT_AS memory_mb, RLIMIT_CPU
// cpu_s; 0: unchanged), reads one request from `fd`, runs it and writes its events and result.
// Returns the process exit code.
int runJobWorker(int fd, std::int64_t memory_mb, std::int64_t cpu_s, std::int64_t parent_pid);

}  // namespace sciagents::server
