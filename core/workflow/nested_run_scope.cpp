#include "core/workflow/nested_run_scope.h"

namespace sciagents::core {

namespace {
thread_local const NestedRunContext* t_current = nullptr;
}

const NestedRunContext* currentNestedRunContext() { return t_current; }

NestedRunScope::NestedRunScope(const NestedRunContext* context) : m_previous(t_current) {
  t_current = context;
}

NestedRunScope::~NestedRunScope() { t_current = m_previous; }

}  // namespace sciagents::core
