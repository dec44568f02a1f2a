sciagents_add_test(NAME test_external_command SOURCES test_external_command.cpp task_result.h LABELS unit POSIX
                   TIMEOUT 300)
