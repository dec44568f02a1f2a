target_sources(sciagents_core PRIVATE
  runtime/thread_pool.cpp
)
