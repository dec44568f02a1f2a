# optimization agent tests (tasks called directly; examples run through the CLI in tests/cli).
sciagents_add_test(NAME test_optimization_minimize SOURCES test_optimization_minimize.cpp LABELS unit)
sciagents_add_test(NAME test_optimization_global_root SOURCES test_optimization_global_root.cpp LABELS unit)
sciagents_add_test(NAME test_optimization_curve_fit SOURCES test_optimization_curve_fit.cpp LABELS accuracy)
sciagents_add_test(NAME test_optimization_step_model SOURCES test_optimization_step_model.cpp LABELS accuracy)
