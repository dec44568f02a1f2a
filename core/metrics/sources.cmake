target_sources(sciagents_core PRIVATE
  metrics/metrics_registry.cpp
)
