sciagents_add_test(NAME test_integration_quad SOURCES test_integration_quad.cpp LABELS unit)
sciagents_add_test(NAME test_integration_cubature_mc SOURCES test_integration_cubature_mc.cpp LABELS unit)
sciagents_add_test(NAME test_integration_error_bounds SOURCES test_integration_error_bounds.cpp
                   LABELS accuracy)
