# external.python: real /usr/bin/python3 workers (with NumPy); POSIX processes and /proc.
sciagents_add_test(NAME test_external_python POSIX SOURCES test_external_python.cpp task_result.h external_python_model.py LABELS unit
                   TIMEOUT 300)
