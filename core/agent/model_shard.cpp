#include "core/agent/model_shard.h"

namespace sciagents::core {

namespace {
thread_local ModelShard* t_current = nullptr;
}

ModelShard* ModelShard::current() { return t_current; }

ModelShard::Scope::Scope(ModelShard* shard) : m_previous(t_current) { t_current = shard; }
ModelShard::Scope::~Scope() { t_current = m_previous; }

}  // namespace sciagents::core
