sciagents_add_test(NAME test_pinn_tasks SOURCES test_pinn_tasks.cpp pinn_test_util.h LABELS unit)
sciagents_add_test(NAME test_pinn_accuracy SOURCES test_pinn_accuracy.cpp pinn_test_util.h LABELS accuracy)
