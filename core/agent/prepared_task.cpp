// The registry of prepared tasks (core/agent/prepared_task.h): filled while the built-in agents
// are built, read by step models.
#include "core/agent/prepared_task.h"

#include <map>
#include <mutex>

namespace sciagents::core {

namespace {

struct Registry {
  std::mutex mutex;
  // Entries are never removed, so a returned pointer stays valid (a re-registration assigns).
  std::map<std::string, PrepareTaskFn, std::less<>> fns;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void registerPreparedTask(const std::string& agent_task, PrepareTaskFn fn) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.fns[agent_task] = std::move(fn);
}

const PrepareTaskFn* preparedTaskFor(const std::string& agent, const std::string& task) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const auto it = r.fns.find(agent + "." + task);
  return it == r.fns.end() ? nullptr : &it->second;
}

}  // namespace sciagents::core
