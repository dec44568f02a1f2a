// Global minimisation methods on a box (see global_methods.cpp).
#pragma once

#include "core/agents/optimization/opt_common.h"

#include <cstdint>

namespace sciagents::core::agents::opt {

struct GlobalOptions {
  std::string method;  // differential_evolution, multistart, gn_direct_l, gn_crs2_lm, gn_isres
  std::uint64_t seed = 0;
  long maxiter = 1000;  // DE generations; NLopt evaluations when maxiter_given
  bool maxiter_given = false;
  long popsize = 15;  // DE: population = popsize * n; multistart: number of starts
  double tol = 0.01, atol = 0.0;
  double recombination = 0.7;
};

struct GlobalResult {
  Vector x;
  double f = 0.0;
  long nit = 0;
  bool success = false;
  bool maxiter = false;
  std::string message;
};

GlobalResult differentialEvolution(Objective& obj, const Bounds& b, const GlobalOptions& o);
GlobalResult multistart(Objective& obj, const Bounds& b, const GlobalOptions& o);
GlobalResult nloptGlobal(Objective& obj, const Bounds& b, const GlobalOptions& o);

}  // namespace sciagents::core::agents::opt
