#include "core/agent/task_context.h"

#include "core/agent/task_spec.h"
#include "core/util/error.h"

namespace sciagents::core {

TaskContext::TaskContext(const TaskSpec& spec, Map params, std::string step_id)
    : m_spec(spec), m_params(std::move(params)), m_step(std::move(step_id)) {}

bool TaskContext::has(std::string_view name) const {
  auto it = m_params.find(name);
  return it != m_params.end() && !it->second.isNull();
}

const Value& TaskContext::param(std::string_view name) const {
  auto it = m_params.find(name);
  if (it == m_params.end() || it->second.isNull())
    throw paramError(std::string(name), "required parameter is missing");
  return it->second;
}

namespace {
template <typename F>
auto convert(std::string_view name, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw paramError(std::string(name), e.what());
  }
}
}  // namespace

double TaskContext::number(std::string_view n) const {
  return convert(n, [&] { return param(n).asDouble(); });
}
std::int64_t TaskContext::integer(std::string_view n) const {
  return convert(n, [&] { return param(n).asInt(); });
}
bool TaskContext::flag(std::string_view n) const {
  return convert(n, [&] { return param(n).asBool(); });
}
const std::string& TaskContext::text(std::string_view n) const {
  return convert(n, [&]() -> const std::string& { return param(n).asString(); });
}
Vector TaskContext::vector(std::string_view n) const {
  return convert(n, [&] { return param(n).toVector(); });
}
Matrix TaskContext::matrix(std::string_view n) const {
  return convert(n, [&] { return param(n).toMatrix(); });
}

// insert_or_assign moves the value into a new entry directly (operator[] would default-construct it
// and then assign).
void TaskContext::output(std::string name, Value v) {
  m_outputs.insert_or_assign(std::move(name), std::move(v));
}
void TaskContext::diagnostic(std::string name, Value v) {
  m_diagnostics.insert_or_assign(std::move(name), std::move(v));
}

void TaskContext::setMethod(std::string method, std::string rationale) {
  m_diagnostics.insert_or_assign("method", std::move(method));
  m_diagnostics.insert_or_assign("method_rationale", std::move(rationale));
}

void TaskContext::warn(std::string message) {
  auto it = m_diagnostics.find("warnings");
  if (it == m_diagnostics.end()) it = m_diagnostics.emplace("warnings", List{}).first;
  it->second.asList().emplace_back(std::move(message));
}

void TaskContext::progress(double fraction, std::string_view message) {
  if (m_observer) m_observer->progress(m_step, fraction, message);
}

void TaskContext::metric(std::string_view series, double x, double y) {
  if (m_observer) m_observer->metric(m_step, series, x, y);
}

void TaskContext::checkCancelled() const {
  if (cancelled()) throw cancelledError();
}

const AgentRegistry& TaskContext::registry() const {
  if (!m_registry)
    throw Error(ErrorCode::RunFailed,
                "task '" + m_spec.id + "' needs the agent registry of its run, and none was given",
                m_step);
  return *m_registry;
}

}  // namespace sciagents::core
