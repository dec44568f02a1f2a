# optimization agent: local methods through NLopt (C API, either CMake config) plus our own BFGS,
# differential evolution, Levenberg-Marquardt and root finders; SUNDIALS KINSOL for systems.
set(_opt agents/optimization)
target_sources(sciagents_core PRIVATE
  ${_opt}/optimization_agent.cpp
  ${_opt}/opt_common.cpp
  ${_opt}/model_function.cpp
  ${_opt}/bfgs.cpp
  ${_opt}/nlopt_local.cpp
  ${_opt}/minimize_hooks.cpp
  ${_opt}/task_minimize.cpp
  ${_opt}/task_global_minimize.cpp
  ${_opt}/global_methods.cpp
  ${_opt}/root_solvers.cpp
  ${_opt}/root_kinsol.cpp
  ${_opt}/lm.cpp
  ${_opt}/task_root.cpp
  ${_opt}/task_curve_fit.cpp
)
target_link_libraries(sciagents_core PRIVATE ${NLOPT_LIBRARIES} SUNDIALS::kinsol)
unset(_opt)
