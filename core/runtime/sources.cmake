target_sources(sciagents_core PRIVATE
)
