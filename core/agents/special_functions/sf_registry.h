// The table of special functions behind special_functions.evaluate: SciPy names, argument names,
// and two evaluators per function (fast double precision for the run, internally long double for
// the validate hook), plus an optional identity used as an independent spot check.
#pragma once

#include <string>
#include <vector>

namespace sciagents::core::agents::special {

using SfFn = double (*)(const double* args);

struct SfEntry {
  std::string name;               // SciPy name, e.g. "jv"
  std::vector<std::string> args;  // argument names, e.g. {"v", "x"}
  std::vector<double> defaults;   // values of trailing arguments that may be omitted
  std::string doc;                // definition and convention in one line
  SfFn fast = nullptr;            // Boost, double precision throughout
  SfFn precise = nullptr;         // Boost, promoted to long double internally
  // |lhs - rhs| / scale of an identity that holds at args (e.g. Gamma(x+1) = x Gamma(x)); null if
  // none.
  SfFn identity = nullptr;
  std::string identity_doc;
};

// Families (one translation unit each).
std::vector<SfEntry> gammaFamily();
std::vector<SfEntry> expFamily();
std::vector<SfEntry> besselFamily();
std::vector<SfEntry> polyFamily();
std::vector<SfEntry> hyperFamily();

const std::vector<SfEntry>& allFunctions();
const SfEntry* findFunction(const std::string& name);  // also accepts listed aliases
std::vector<std::string> functionNames();

// Throws std::domain_error unless x is an integer (for orders like n of expn, legendre...).
int requireInt(double x, const char* what);

}  // namespace sciagents::core::agents::special
