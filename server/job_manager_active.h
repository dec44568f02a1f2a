// JobManager's record of a queued or running job; shared by job_manager.cpp and the Slurm backend
// (slurm_job_runner.cpp). Guarded by JobManager::m_mutex except where noted.
#pragma once

#include "core/agent/task_context.h"
#include "server/job_manager.h"

namespace sciagents::server {

struct JobManager::Active {
  JobRecord rec;     // rec.spec stays empty: status copies must be cheap
  std::string spec;  // the workflow JSON
  core::CancelFlag cancel = std::make_shared<std::atomic<bool>>(false);
  bool cancel_requested = false;
  bool timed_out = false;
  bool requeue_on_stop = false;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::map<std::string, double> step_fraction;  // running steps
  std::optional<double> fraction;               // a Slurm job's progress (over its array tasks)
  std::int64_t steps_done = 0;
  std::deque<EventPtr> history;
  std::size_t metrics_in_history = 0;
  std::uint64_t next_seq = 1;
  std::map<std::uint64_t, EventSink> subscribers;
};

}  // namespace sciagents::server
