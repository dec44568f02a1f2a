sciagents_add_test(NAME test_assistants SOURCES test_assistants.cpp LABELS unit)
