sciagents_add_test(NAME test_ode_ivp SOURCES test_ode_ivp.cpp LABELS unit)
sciagents_add_test(NAME test_ode_accuracy SOURCES test_ode_accuracy.cpp LABELS accuracy)
sciagents_add_test(NAME test_ode_ivp_prepared SOURCES test_ode_ivp_prepared.cpp LABELS unit)
