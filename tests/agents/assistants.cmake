sciagents_add_test(NAME test_assistants SOURCES test_assistants.cpp LABELS unit)
sciagents_add_test(NAME test_validators_reject SOURCES test_validators_reject.cpp LABELS unit)
