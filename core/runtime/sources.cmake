target_sources(sciagents_core PRIVATE
  runtime/thread_pool.cpp
  runtime/parallel_blocks.cpp
)
