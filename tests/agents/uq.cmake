sciagents_add_test(NAME test_uq_tasks SOURCES test_uq_tasks.cpp uq_test_util.h LABELS unit)
sciagents_add_test(NAME test_uq_accuracy SOURCES test_uq_accuracy.cpp uq_test_util.h LABELS accuracy)
sciagents_add_test(NAME test_uq_blocks SOURCES test_uq_blocks.cpp uq_test_util.h LABELS unit)
