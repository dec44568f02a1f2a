# physics_informed_ml agent: tanh networks with exact input derivatives (Eigen), Adam + NLopt L-BFGS.
target_sources(sciagents_core PRIVATE
  agents/physics_informed_ml/physics_informed_ml_agent.cpp
  agents/physics_informed_ml/tanh_mlp.cpp
  agents/physics_informed_ml/affine_residual.cpp
  agents/physics_informed_ml/pinn_loss.cpp
  agents/physics_informed_ml/pinn_training.cpp
  agents/physics_informed_ml/pinn_problem.cpp
  agents/physics_informed_ml/task_pinn.cpp
  agents/physics_informed_ml/task_pinn_inverse.cpp
)
target_link_libraries(sciagents_core PRIVATE ${NLOPT_LIBRARIES} Boost::headers)
