# ode_pde PDE and BVP tasks (poisson, heat, wave, bvp).
sciagents_add_test(NAME test_pde_poisson SOURCES test_pde_poisson.cpp LABELS accuracy)
sciagents_add_test(NAME test_pde_heat_wave SOURCES test_pde_heat_wave.cpp LABELS accuracy)
sciagents_add_test(NAME test_bvp_collocation SOURCES test_bvp_collocation.cpp LABELS accuracy)
