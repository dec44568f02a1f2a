#include "core/agents/special_functions/sf_registry.h"

#include <cmath>
#include <map>
#include <stdexcept>

namespace sciagents::core::agents::special {

namespace {
// SciPy spells some functions several ways; the first name is the canonical one.
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> a = {
      {"lgamma", "gammaln"},
      {"psi", "digamma"},
      {"legendre", "eval_legendre"},
      {"hermite", "eval_hermite"},
      {"laguerre", "eval_laguerre"},
      {"chebyshev_t", "eval_chebyt"},
      {"chebyshev_u", "eval_chebyu"},
      {"assoc_legendre", "lpmv"},
      {"cyl_neumann", "yv"},
      {"ei", "expi"},
      {"factorial", "factorial"},
      {"binomial", "binom"},
      {"riemann_zeta", "zeta"},
      {"ai", "airy_ai"},
      {"bi", "airy_bi"},
  };
  return a;
}
}  // namespace

const std::vector<SfEntry>& allFunctions() {
  static const std::vector<SfEntry> all = [] {
    std::vector<SfEntry> v;
    for (auto fam : {gammaFamily, expFamily, besselFamily, polyFamily, hyperFamily})
      for (auto& e : fam()) v.push_back(std::move(e));
    return v;
  }();
  return all;
}

const SfEntry* findFunction(const std::string& name) {
  const auto a = aliases().find(name);
  const std::string& key = a == aliases().end() ? name : a->second;
  for (const auto& e : allFunctions())
    if (e.name == key) return &e;
  return nullptr;
}

std::vector<std::string> functionNames() {
  std::vector<std::string> n;
  for (const auto& e : allFunctions()) n.push_back(e.name);
  return n;
}

int requireInt(double x, const char* what) {
  if (!(std::floor(x) == x) || std::abs(x) > 1e9)
    throw std::domain_error(std::string(what) + " must be an integer, got " + std::to_string(x));
  return static_cast<int>(x);
}

}  // namespace sciagents::core::agents::special
