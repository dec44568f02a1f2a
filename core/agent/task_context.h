// What a running task sees: its resolved parameters (defaults applied, types normalised), where to
// put outputs and diagnostics, and how to report progress, metrics and honour cancellation.
#pragma once

#include "core/agent/model_evaluator.h"
#include "core/agent/param_spec.h"
#include "core/value/value.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sciagents::core {

struct TaskSpec;
struct ExternalPolicy;
class AgentRegistry;

// Receives live events from running tasks (implemented by the engine/CLI/server/GUI adapters).
class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  virtual void progress(std::string_view step, double fraction, std::string_view message) = 0;
  virtual void metric(std::string_view step, std::string_view series, double x, double y) = 0;
};

using CancelFlag = std::shared_ptr<std::atomic<bool>>;

class TaskContext {
 public:
  // `params` must already hold every declared parameter (defaults applied) — see resolveParams().
  TaskContext(const TaskSpec& spec, Map params, std::string step_id = {});

  const TaskSpec& spec() const { return m_spec; }
  const std::string& stepId() const { return m_step; }

  // Parameters. Accessors throw Error(InvalidInput) naming the parameter on a kind mismatch.
  bool has(std::string_view name) const;  // present and not null
  const Value& param(std::string_view name) const;
  double number(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  bool flag(std::string_view name) const;
  const std::string& text(std::string_view name) const;
  Vector vector(std::string_view name) const;
  Matrix matrix(std::string_view name) const;
  const Map& params() const { return m_params; }

  // Results.
  void output(std::string name, Value v);
  void diagnostic(std::string name, Value v);
  void setMethod(std::string method, std::string rationale);
  void warn(std::string message);
  const Map& outputs() const { return m_outputs; }
  const Map& diagnostics() const { return m_diagnostics; }
  Map takeOutputs() { return std::move(m_outputs); }
  Map takeDiagnostics() { return std::move(m_diagnostics); }

  // Live reporting and cancellation. checkCancelled() throws cancelledError() when requested;
  // long loops call it every few milliseconds of work.
  void progress(double fraction, std::string_view message = {});
  void metric(std::string_view series, double x, double y);
  bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
  void checkCancelled() const;

  std::uint64_t seed() const { return m_seed; }
  int threads() const { return m_threads; }

  const CancelFlag& cancelFlag() const { return m_cancel; }
  TaskObserver* observer() const { return m_observer; }

  // Wiring used by the engine.
  void setObserver(TaskObserver* o) { m_observer = o; }
  void setCancelFlag(CancelFlag f) { m_cancel = std::move(f); }
  void setSeed(std::uint64_t s) { m_seed = s; }
  void setThreads(int t) { m_threads = t; }
  // Step-reference models (see model_evaluator.h); empty outside the workflow engine.
  void setStepModelFactory(StepModelFactory f) { m_step_models = std::move(f); }
  const StepModelFactory& stepModelFactory() const { return m_step_models; }
  // Where relative file paths in params resolve: the folder of the workflow file (empty: the
  // current directory), and the run's policy for external models (nullptr: the local default).
  void setBaseDir(std::string dir) { m_base_dir = std::move(dir); }
  const std::string& baseDir() const { return m_base_dir; }
  void setExternalPolicy(std::shared_ptr<const ExternalPolicy> p) { m_external = std::move(p); }
  const ExternalPolicy* externalPolicy() const { return m_external.get(); }
  // The registry the run was given (the engine sets it): tasks that run or inspect other agents'
  // tasks (assistants, the profiler, nested workflows) look them up here. registry() throws
  // Error(RunFailed) naming the step when none was set.
  void setRegistry(const AgentRegistry* r) { m_registry = r; }
  const AgentRegistry* registryIfSet() const { return m_registry; }
  const AgentRegistry& registry() const;

 private:
  const TaskSpec& m_spec;
  Map m_params;
  std::string m_step;
  Map m_outputs;
  Map m_diagnostics;
  TaskObserver* m_observer = nullptr;
  CancelFlag m_cancel;
  std::uint64_t m_seed = 0;
  int m_threads = 1;
  StepModelFactory m_step_models;
  std::string m_base_dir;
  std::shared_ptr<const ExternalPolicy> m_external;
  const AgentRegistry* m_registry = nullptr;
};

}  // namespace sciagents::core
