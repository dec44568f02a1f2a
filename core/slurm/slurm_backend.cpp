#include "core/slurm/slurm_backend.h"

#include "core/slurm/job_files.h"
#include "core/slurm/process.h"
#include "core/slurm/study_shard.h"
#include "core/util/clock.h"
#include "core/util/error.h"
#include "core/util/text_format.h"
#include "core/workflow/result_cache.h"
#include "core/workflow/workflow_engine.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

namespace sciagents::core {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "workflow" : out;
}

std::string uniqueSuffix() {
  std::random_device rd;
  std::ostringstream s;
  s << std::hex << (rd() & 0xffffffu);
  return s.str();
}

std::string timestamp() {
  std::string iso = isoTimeMicros(unixMicros());  // 2026-11-29T10:14:51.123456Z
  std::string out;
  for (char c : iso.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out;
}

SlurmJobState fromSlurm(const std::string& st) {
  if (st == "PENDING" || st == "REQUEUED" || st == "REQUEUE_HOLD" || st == "REQUEUE_FED" ||
      st == "RESV_DEL_HOLD")
    return SlurmJobState::Queued;
  if (st == "CANCELLED") return SlurmJobState::Cancelled;
  if (st == "TIMEOUT" || st == "DEADLINE") return SlurmJobState::TimedOut;
  if (st == "FAILED" || st == "NODE_FAIL" || st == "OUT_OF_MEMORY" || st == "BOOT_FAIL" ||
      st == "PREEMPTED" || st == "SPECIAL_EXIT" || st == "REVOKED")
    return SlurmJobState::Failed;
  return SlurmJobState::Running;  // RUNNING, CONFIGURING, COMPLETING, SUSPENDED, STOPPED,
                                  // COMPLETED...
}

SlurmJobState fromFile(const std::string& st) {
  if (st == "succeeded") return SlurmJobState::Succeeded;
  if (st == "cancelled") return SlurmJobState::Cancelled;
  if (st == "running") return SlurmJobState::Running;
  return SlurmJobState::Failed;
}

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

std::string_view slurmJobStateName(SlurmJobState s) {
  switch (s) {
    case SlurmJobState::Queued:
      return "queued";
    case SlurmJobState::Running:
      return "running";
    case SlurmJobState::Succeeded:
      return "succeeded";
    case SlurmJobState::Failed:
      return "failed";
    case SlurmJobState::Cancelled:
      return "cancelled";
    case SlurmJobState::TimedOut:
      return "timed_out";
  }
  return "?";
}

bool slurmStateFinal(const std::string& st) {
  static const std::set<std::string> final_states = {
      "COMPLETED",     "CANCELLED", "TIMEOUT",   "DEADLINE",     "FAILED", "NODE_FAIL",
      "OUT_OF_MEMORY", "BOOT_FAIL", "PREEMPTED", "SPECIAL_EXIT", "REVOKED"};
  return final_states.count(st) > 0;
}

fs::path defaultSlurmDir() {
  if (const char* d = std::getenv("SCIAGENTS_SLURM_DIR"); d && *d) return d;
  return ResultCache::defaultDir().parent_path() / "slurm";
}

fs::path currentExecutable() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("sciagents") : p;
}

SlurmJob SlurmJob::submit(const Workflow& w, const SlurmOptions& o) {
  SlurmJob job;
  job.m_workflow = w;
  job.m_opts = o;
  job.m_tasks = arrayTasksFor(w, o.tasks, &job.m_single_reason);
  job.m_split = job.m_tasks > 1 ? "sweep" : "none";
  if (maxSweepPoints(w) <= 1) {
    if (std::string why; studyShardable(w, &why)) {
      job.m_split = "study";
      job.m_tasks = std::clamp<std::size_t>(o.tasks > 0 ? o.tasks : 4, 1, 10000);
      job.m_single_reason.clear();
    } else {
      job.m_single_reason = why;
    }
  }
  const fs::path parent = o.dir.empty() ? defaultSlurmDir() : o.dir;
  std::error_code ec;
  fs::create_directories(parent, ec);
  job.m_dir = fs::absolute(
      parent / (o.job_dir_name.empty() ? slug(w.name) + "-" + timestamp() + "-" + uniqueSuffix()
                                       : o.job_dir_name),
      ec);
  if (!fs::create_directories(job.m_dir, ec) || ec)
    throw Error(ErrorCode::RunFailed, "cannot create the Slurm job directory '" +
                                          job.m_dir.string() + "': " + ec.message());
  for (std::size_t k = 0; k < job.m_tasks; ++k)
    fs::create_directories(slurm_files::taskDir(job.m_dir, k), ec);
  std::string err;
  if (!writeFileAtomic(job.m_dir / "workflow.json", w.toJson().dump(1) + "\n", &err))
    throw Error(ErrorCode::RunFailed, err);

  const fs::path exe = o.executable.empty() ? currentExecutable() : o.executable;
  const std::string dir = job.m_dir.string();
  const std::string T = std::to_string(job.m_tasks);
  std::ostringstream script;
  script << "#!/bin/sh\n"
         << "# Generated by sciagents (docs/slurm.md): array task K runs shard K of " << T << ".\n"
         << "K=${SLURM_ARRAY_TASK_ID:-0}\n"
         << "D=" << shellQuote(dir) << "\n"
         << "mkdir -p \"$D/task-$K\"\n"
         << "exec " << shellQuote(exe.string()) << " run \"$D/workflow.json\""
         << (job.m_split == "study" ? " --study-shard" : " --sweep-shard") << " \"$K/" << T << "\""
         << " --status-file \"$D/task-$K/status.json\" --progress-file \"$D/task-$K/progress.json\""
         << " -o \"$D/task-$K/result.json\""
         << (o.base_dir.empty() ? std::string() : " --base-dir " + shellQuote(o.base_dir.string()))
         << " --sidecar-min 0 --progress lines --threads " << std::max(1, o.cpus) << " --seed "
         << o.seed << (o.use_cache ? "" : " --no-cache") << "\n";
  if (!writeFileAtomic(job.m_dir / "job.sh", script.str(), &err))
    throw Error(ErrorCode::RunFailed, err);
  fs::permissions(job.m_dir / "job.sh",
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read, ec);

  std::vector<std::string> argv = {"sbatch",
                                   "--parsable",
                                   "--array=0-" + std::to_string(job.m_tasks - 1),
                                   "--job-name=sciagents-" + slug(w.name),
                                   "--output=" + dir + "/slurm-%A_%a.out",
                                   "--chdir=" + dir,
                                   "--cpus-per-task=" + std::to_string(std::max(1, o.cpus))};
  if (!o.partition.empty()) argv.push_back("--partition=" + o.partition);
  if (!o.account.empty()) argv.push_back("--account=" + o.account);
  if (o.time_limit_min > 0) argv.push_back("--time=" + std::to_string(o.time_limit_min));
  if (o.mem_mb > 0) argv.push_back("--mem=" + std::to_string(o.mem_mb));
  argv.push_back(dir + "/job.sh");
  const ProcessResult r = runProcess(argv, 120.0);
  std::string id = trim(r.out);
  if (auto semi = id.find(';'); semi != std::string::npos) id = id.substr(0, semi);
  if (!r.started || r.exit_code != 0 || id.empty() ||
      id.find_first_not_of("0123456789") != std::string::npos) {
    fs::remove_all(job.m_dir, ec);  // nothing was submitted: leave no directory behind
    if (!r.started) throw Error(ErrorCode::RunFailed, "cannot run sbatch: " + r.err);
    throw Error(ErrorCode::InvalidInput,
                "sbatch refused the job: " + trim(r.err.empty() ? r.out : r.err));
  }
  job.m_id = id;
  job.m_submitted_us = unixMicros();
  json submit = {{"job_id", id},
                 {"tasks", job.m_tasks},
                 {"submitted_unix_us", job.m_submitted_us},
                 {"sbatch", argv},
                 {"executable", exe.string()},
                 {"seed", o.seed},
                 {"use_cache", o.use_cache},
                 {"single_task_reason", job.m_single_reason},
                 {"split", job.m_split},
                 {"cpus", std::max(1, o.cpus)},
                 {"base_dir", o.base_dir.string()},
                 {"shard_retries", std::max(0, o.shard_retries)}};
  writeFileAtomic(job.m_dir / "submit.json", submit.dump(1) + "\n", nullptr);
  job.m_sbatch = argv;
  job.resetTracking();
  return job;
}

SlurmJob SlurmJob::attach(const fs::path& job_dir) {
  auto submit = readJsonFile(job_dir / "submit.json");
  auto wf = readJsonFile(job_dir / "workflow.json");
  if (!submit || !wf)
    throw Error(ErrorCode::InvalidInput, "'" + job_dir.string() + "' is not a Slurm job directory");
  SlurmJob job;
  job.m_workflow = workflowFromJson(*wf);
  job.m_dir = job_dir;
  job.m_id = submit->value("job_id", std::string());
  job.m_tasks = submit->value("tasks", std::size_t{1});
  job.m_submitted_us = submit->value("submitted_unix_us", std::int64_t{0});
  job.m_single_reason = submit->value("single_task_reason", std::string());
  job.m_split = submit->value("split", std::string("sweep"));
  job.m_opts.seed = submit->value("seed", std::uint64_t{0});
  job.m_opts.use_cache = submit->value("use_cache", true);
  job.m_opts.cpus = submit->value("cpus", 1);
  job.m_opts.base_dir = submit->value("base_dir", std::string());
  job.m_cancelled = fs::exists(job_dir / "cancelled");
  // Jobs submitted before retries existed have no "shard_retries": they are not retried.
  job.m_opts.shard_retries = submit->value("shard_retries", 0);
  if (submit->contains("sbatch") && (*submit)["sbatch"].is_array())
    for (const auto& a : (*submit)["sbatch"])
      if (a.is_string()) job.m_sbatch.push_back(a.get<std::string>());
  job.resetTracking();
  job.loadAttempts();
  return job;
}

void SlurmJob::resetTracking() {
  m_slurm_state.assign(m_tasks, {});
  m_missing.assign(m_tasks, false);
  m_missing_since.assign(m_tasks, {});
  m_final_seen.assign(m_tasks, false);
  m_final_since.assign(m_tasks, {});
  m_task_job.assign(m_tasks, m_id);
  m_attempts.assign(m_tasks, 1);
  m_earlier.assign(m_tasks, json::array());
}

// The Slurm jobs this job consists of: the array job, then each resubmission.
std::vector<std::string> SlurmJob::jobIdList() const {
  std::vector<std::string> ids = {m_id};
  for (const auto& j : m_task_job)
    if (std::find(ids.begin(), ids.end(), j) == ids.end()) ids.push_back(j);
  return ids;
}

std::string SlurmJob::jobIds() const {
  std::string out;
  for (const auto& j : jobIdList()) out += (out.empty() ? "" : ",") + j;
  return out;
}

void SlurmJob::saveAttempts() const {
  json tasks = json::array();
  for (std::size_t k = 0; k < m_tasks; ++k)
    if (m_attempts[k] > 1)
      tasks.push_back({{"index", k},
                       {"job_id", m_task_job[k]},
                       {"attempts", m_attempts[k]},
                       {"earlier", m_earlier[k]}});
  writeFileAtomic(m_dir / "attempts.json",
                  json{{"shard_retries", m_opts.shard_retries}, {"tasks", tasks}}.dump(1) + "\n",
                  nullptr);
}

void SlurmJob::loadAttempts() {
  const auto doc = readJsonFile(m_dir / "attempts.json");
  if (!doc || !doc->contains("tasks") || !(*doc)["tasks"].is_array()) return;
  for (const auto& t : (*doc)["tasks"]) {
    const auto k = t.value("index", m_tasks);
    if (k >= m_tasks) continue;
    m_task_job[k] = t.value("job_id", m_id);
    m_attempts[k] = std::max(1, t.value("attempts", 1));
    if (t.contains("earlier") && t["earlier"].is_array()) m_earlier[k] = t["earlier"];
  }
}

bool SlurmJob::retryable(const SlurmTaskState& t) const {
  if (!t.final || m_cancelled || t.state == SlurmJobState::Succeeded ||
      t.state == SlurmJobState::TimedOut)
    return false;
  if (t.state == SlurmJobState::Cancelled) return true;  // scancel of this index, pre-emption
  static const std::set<std::string> lost = {"NODE_FAIL", "PREEMPTED", "BOOT_FAIL"};
  if (lost.count(t.slurm_state)) return true;
  // Failed: retried when the task died without reporting its end (killed, crashed, node lost);
  // a task that wrote "failed" itself failed in its work, which another attempt would repeat.
  const auto file = readTaskStatus(slurm_files::taskStatus(m_dir, t.index));
  return !(file && file->final());
}

bool SlurmJob::resubmit(const std::vector<std::size_t>& ks, std::string* error) {
  std::string indices;
  for (auto k : ks) indices += (indices.empty() ? "" : ",") + std::to_string(k);
  std::vector<std::string> argv;
  for (const auto& a : m_sbatch)
    argv.push_back(a.rfind("--array=", 0) == 0 ? "--array=" + indices : a);
  if (argv.empty() || std::find(argv.begin(), argv.end(), "--array=" + indices) == argv.end()) {
    if (error) *error = "the job's sbatch command is not recorded in submit.json";
    return false;
  }
  // The failed attempt's files move aside (task-K.attempt-N), so the new attempt starts clean and
  // the old ones stay for a post-mortem.
  for (auto k : ks) {
    std::error_code ec;
    const fs::path dir = slurm_files::taskDir(m_dir, k);
    fs::path aside = dir;
    aside += ".attempt-" + std::to_string(m_attempts[k]);
    fs::remove_all(aside, ec);
    fs::rename(dir, aside, ec);
    fs::create_directories(dir, ec);
  }
  const ProcessResult r = runProcess(argv, 120.0);
  std::string id = trim(r.out);
  if (auto semi = id.find(';'); semi != std::string::npos) id = id.substr(0, semi);
  if (!r.started || r.exit_code != 0 || id.empty() ||
      id.find_first_not_of("0123456789") != std::string::npos) {
    if (error)
      *error = !r.started
                   ? "cannot run sbatch: " + r.err
                   : "sbatch refused the resubmission: " + trim(r.err.empty() ? r.out : r.err);
    return false;
  }
  for (auto k : ks) {
    m_task_job[k] = id;
    ++m_attempts[k];
    m_slurm_state[k].clear();
    m_missing[k] = false;
    m_final_seen[k] = false;
  }
  return true;
}

SlurmJobStatus SlurmJob::poll() {
  SlurmJobStatus st;
  st.total = m_tasks;
  // squeue: -r one line per array task, -t all also the finished tasks Slurm still remembers;
  // -j the array job and the jobs that resubmitted some of its tasks.
  const ProcessResult q =
      runProcess({"squeue", "-h", "-r", "-t", "all", "-j", jobIds(), "-o", "%i|%T"}, 60.0);
  const bool answered = q.started && !q.timed_out &&
                        (q.exit_code == 0 || q.err.find("Invalid job id") != std::string::npos);
  std::map<std::pair<std::string, std::size_t>, std::string> listed;  // (job, index) -> state
  if (answered && q.exit_code == 0) {
    std::istringstream lines(q.out);
    for (std::string line; std::getline(lines, line);) {
      const auto bar = line.find('|'), us = line.find('_');
      if (bar == std::string::npos || us == std::string::npos || us > bar) continue;
      const std::string idx = line.substr(us + 1, bar - us - 1);
      if (idx.empty() || idx.find_first_not_of("0123456789") != std::string::npos)
        continue;  // "[1-3]"
      listed[{trim(line.substr(0, us)), static_cast<std::size_t>(std::stoul(idx))}] =
          trim(line.substr(bar + 1));
    }
  }
  if (answered) {
    m_unreachable = false;
  } else if (!m_unreachable) {
    m_unreachable = true;
    m_unreachable_since = Clock::now();
  }
  st.controller_reachable = answered;
  st.unreachable_too_long =
      m_unreachable && secondsSince(m_unreachable_since) > m_opts.unreachable_timeout_s;

  std::vector<std::size_t> retry;  // tasks to resubmit
  for (std::size_t k = 0; k < m_tasks; ++k) {
    SlurmTaskState t;
    t.index = k;
    t.attempts = m_attempts[k];
    if (auto it = listed.find({m_task_job[k], k}); it != listed.end()) {
      m_slurm_state[k] = it->second;
      m_missing[k] = false;
    } else if (answered && !m_missing[k]) {
      m_missing[k] = true;
      m_missing_since[k] = Clock::now();
    }
    t.slurm_state = m_slurm_state[k];
    const bool sq_final = slurmStateFinal(t.slurm_state);
    if (sq_final && !m_final_seen[k]) m_final_seen[k] = true, m_final_since[k] = Clock::now();
    const auto file = readTaskStatus(slurm_files::taskStatus(m_dir, k));
    const fs::path log = m_dir / ("slurm-" + m_task_job[k] + "_" + std::to_string(k) + ".out");
    if (fromSlurm(t.slurm_state) == SlurmJobState::TimedOut && sq_final) {
      t.state = SlurmJobState::TimedOut, t.final = true;
      t.error = "array task " + std::to_string(k) + " reached its time limit (Slurm state " +
                t.slurm_state + ")";
    } else if (file && file->final()) {
      t.state = fromFile(file->state), t.final = true, t.error = file->error;
    } else if (sq_final && secondsSince(m_final_since[k]) >= m_opts.gone_grace_s) {
      t.final = true;
      t.state = fromSlurm(t.slurm_state);
      if (t.slurm_state == "COMPLETED") t.state = SlurmJobState::Failed;
      if (t.state != SlurmJobState::Cancelled)
        t.error = "array task " + std::to_string(k) + " ended (Slurm state " + t.slurm_state +
                  ") without writing its status; see " + log.string();
      else
        t.error = "array task " + std::to_string(k) + " was cancelled";
    } else if (m_missing[k] && !sq_final &&
               secondsSince(m_missing_since[k]) >= m_opts.gone_grace_s) {
      // Gone from the queue without a trace: killed, node lost, or it never started.
      t.final = true;
      t.state = m_cancelled ? SlurmJobState::Cancelled : SlurmJobState::Failed;
      t.error =
          "array task " + std::to_string(k) + " left the queue without writing its status" +
          (t.slurm_state.empty() ? std::string() : " (last Slurm state " + t.slurm_state + ")") +
          "; see " + log.string();
    } else if (file && file->state == "running") {
      t.state = SlurmJobState::Running;
    } else {
      t.state =
          t.slurm_state.empty() || sq_final ? SlurmJobState::Queued : fromSlurm(t.slurm_state);
    }
    if (retryable(t)) {
      if (t.error.empty())
        t.error = "array task " + std::to_string(k) + " ended " +
                  std::string(slurmJobStateName(t.state)) +
                  (t.slurm_state.empty() ? std::string() : " (Slurm state " + t.slurm_state + ")");
      if (m_attempts[k] <= m_opts.shard_retries) {
        retry.push_back(k);
      } else {
        // Not the owner's cancel: a shard that could not complete fails the job, named.
        const std::string label =
            "array task " + std::to_string(k) + " of " + std::to_string(m_tasks);
        t.error = m_opts.shard_retries <= 0
                      ? label + " failed (shard retries are off); its failure: " + t.error
                      : label + " failed after " + std::to_string(m_attempts[k]) +
                            " attempts (shard retries: " + std::to_string(m_opts.shard_retries) +
                            "); last failure: " + t.error;
        t.state = SlurmJobState::Failed;
      }
    }
    st.tasks.push_back(std::move(t));
  }
  if (!retry.empty()) {
    std::vector<json> failures;
    for (auto k : retry)
      failures.push_back({{"job_id", m_task_job[k]},
                          {"state", slurmJobStateName(st.tasks[k].state)},
                          {"slurm_state", st.tasks[k].slurm_state},
                          {"error", st.tasks[k].error}});
    std::string why;
    const bool ok = resubmit(retry, &why);
    for (std::size_t i = 0; i < retry.size(); ++i) {
      auto& t = st.tasks[retry[i]];
      if (ok) {
        m_earlier[t.index].push_back(failures[i]);
        st.retried.push_back("array task " + std::to_string(t.index) + " of " +
                             std::to_string(m_tasks) + ": attempt " +
                             std::to_string(m_attempts[t.index] - 1) + " " + t.error +
                             "; resubmitted as Slurm job " + m_task_job[t.index] + " (attempt " +
                             std::to_string(m_attempts[t.index]) + " of " +
                             std::to_string(1 + m_opts.shard_retries) + ")");
        t = SlurmTaskState{};
        t.index = retry[i];
        t.attempts = m_attempts[t.index];
        t.state = SlurmJobState::Queued;
      } else {
        t.error = "array task " + std::to_string(t.index) + " of " + std::to_string(m_tasks) +
                  " failed and could not be resubmitted (" + why + "); its failure: " + t.error;
        t.state = SlurmJobState::Failed;
      }
    }
    if (ok) saveAttempts();
  }
  for (const auto& t : st.tasks) {
    if (t.final) ++st.done;
    if (t.state == SlurmJobState::Running) ++st.running;
    if (t.final && t.state != SlurmJobState::Succeeded) {
      ++st.failed;
      if (st.error.empty() && t.state != SlurmJobState::Cancelled) st.error = t.error;
    }
  }
  st.finished = st.done == st.total;
  if (!st.finished) {
    st.state = st.running > 0 || st.done > 0 ? SlurmJobState::Running : SlurmJobState::Queued;
  } else {
    // A user's cancel wins; then timeouts, failures and cancels by others.
    bool any_failed = false, any_timeout = false, any_cancel = false;
    for (const auto& t : st.tasks) {
      any_failed = any_failed || t.state == SlurmJobState::Failed;
      any_timeout = any_timeout || t.state == SlurmJobState::TimedOut;
      any_cancel = any_cancel || t.state == SlurmJobState::Cancelled;
    }
    st.state = m_cancelled   ? SlurmJobState::Cancelled
               : any_timeout ? SlurmJobState::TimedOut
               : any_failed  ? SlurmJobState::Failed
               : any_cancel  ? SlurmJobState::Cancelled
                             : SlurmJobState::Succeeded;
  }
  return st;
}

bool SlurmJob::cancel(std::string* error) {
  m_cancelled = true;
  writeFileAtomic(m_dir / "cancelled", std::to_string(unixMicros()) + "\n", nullptr);
  std::vector<std::string> argv = {"scancel"};  // every job of this run, resubmissions too
  for (const auto& id : jobIdList()) argv.push_back(id);
  const ProcessResult r = runProcess(argv, 60.0);
  if (r.started && r.exit_code == 0) return true;
  if (error) *error = "scancel " + jobIds() + " failed: " + trim(r.err.empty() ? r.out : r.err);
  return false;
}

bool SlurmJob::inQueue() {
  const ProcessResult q = runProcess({"squeue", "-h", "-r", "-j", jobIds(), "-o", "%i|%T"}, 60.0);
  if (!q.started || q.timed_out || q.exit_code != 0) return false;
  return !trim(q.out).empty();
}

json SlurmJob::replayStudy(const AgentRegistry& registry) const {
  RunOptions ro;
  ro.threads = std::max(1, m_opts.cpus);
  ro.use_cache = m_opts.use_cache;
  ro.seed = m_opts.seed;
  ro.model_shard = StudyShard::replaying(m_dir, m_tasks);
  ro.base_dir = m_opts.base_dir.string();  // the steps outside the study run here again
  return WorkflowEngine(registry).run(m_workflow, ro).toJson();
}

// A study that did not complete: its steps hold no real result in any task (a task's study step
// only saved its block), so they take the first unsuccessful task's error.
void SlurmJob::markStudySteps(json& doc, const std::vector<ShardOutcome>& shards,
                              const SlurmJobStatus& status) const {
  const std::size_t T = shards.size();
  for (const auto& step : m_workflow.steps) {
    if (!isStudyTask(step.agent, step.task) || !doc["steps"].contains(step.id)) continue;
    json& out = doc["steps"][step.id];
    std::optional<std::size_t> bad;
    for (std::size_t k = 0; k < T && !bad; ++k) {
      const json* part = shards[k].result && (*shards[k].result)["steps"].contains(step.id)
                             ? &(*shards[k].result)["steps"][step.id]
                             : nullptr;
      if (!part || part->value("status", std::string()) != "succeeded") bad = k;
    }
    const std::size_t k = bad.value_or(0);
    const std::string label = "array task " + std::to_string(k) + " of " + std::to_string(T) + ": ";
    std::string st =
        k < status.tasks.size() ? std::string(slurmJobStateName(status.tasks[k].state)) : "failed";
    std::string error = k < status.tasks.size() ? status.tasks[k].error : std::string();
    if (bad && shards[k].result && (*shards[k].result)["steps"].contains(step.id)) {
      const json& part = (*shards[k].result)["steps"][step.id];
      st = part.value("status", st);
      error = part.value("error", error);
    }
    if (!bad)
      st = status.state == SlurmJobState::Cancelled ? "cancelled" : "failed", error = status.error;
    if (st != "cancelled") st = "failed";
    out = {{"status", st},
           {"outputs", json::object()},
           {"diagnostics", json::object()},
           {"error", label + (error.empty() ? std::string("no result") : error)}};
  }
  bool cancelled = false, failed = false;
  for (auto& [id, sdoc] : doc["steps"].items()) {
    const std::string st = sdoc.value("status", std::string());
    cancelled = cancelled || st == "cancelled";
    failed = failed || (st != "succeeded" && st != "cancelled");
  }
  if (cancelled)
    doc["status"] = "cancelled";
  else if (failed)
    doc["status"] = "failed";
}

json SlurmJob::collect(const SlurmJobStatus& status, const AgentRegistry& registry) {
  std::vector<ShardOutcome> shards(m_tasks);
  for (std::size_t k = 0; k < m_tasks; ++k) {
    shards[k].result = readJsonFile(slurm_files::taskResult(m_dir, k));
    if (k < status.tasks.size()) {
      shards[k].state = std::string(slurmJobStateName(status.tasks[k].state));
      shards[k].error = status.tasks[k].error;
    }
  }
  json doc = m_split == "study" && status.state == SlurmJobState::Succeeded
                 ? replayStudy(registry)
                 : mergeShardResults(m_workflow, shards);
  if (m_split == "study" && status.state != SlurmJobState::Succeeded)
    markStudySteps(doc, shards, status);
  if (status.state == SlurmJobState::TimedOut)
    doc["status"] = "timed_out";
  else if (status.state == SlurmJobState::Cancelled)
    doc["status"] = "cancelled";
  else if (status.state == SlurmJobState::Failed && doc["status"] == "succeeded")
    doc["status"] = "failed";
  if (m_submitted_us > 0) doc["wall_s"] = static_cast<double>(unixMicros() - m_submitted_us) / 1e6;
  json tasks = json::array();
  for (const auto& t : status.tasks) {
    json j = {
        {"index", t.index}, {"state", slurmJobStateName(t.state)}, {"slurm_state", t.slurm_state}};
    if (!t.error.empty()) j["error"] = t.error;
    j["attempts"] = t.index < m_attempts.size() ? m_attempts[t.index] : 1;
    if (t.index < m_earlier.size() && !m_earlier[t.index].empty()) {
      j["slurm_job_id"] = m_task_job[t.index];
      j["earlier_attempts"] = m_earlier[t.index];
    }
    tasks.push_back(std::move(j));
  }
  doc["slurm"] = {{"job_id", m_id},
                  {"tasks", tasks},
                  {"dir", m_dir.string()},
                  {"shard_retries", m_opts.shard_retries}};
  if (!status.error.empty()) doc["slurm"]["error"] = status.error;
  writeFileAtomic(m_dir / "result.json", doc.dump(1) + "\n", nullptr);
  return doc;
}

}  // namespace sciagents::core
