#include "core/workflow/sweep.h"

#include "core/workflow/param_path.h"

#include <cmath>
#include <utility>

namespace sciagents::core {

SweepValues::SweepValues(std::vector<nlohmann::json> list) : m_list(std::move(list)) {}

SweepValues SweepValues::range(Kind kind, double a, double b, std::size_t count) {
  SweepValues v;
  v.m_kind = kind;
  v.m_a = a;
  v.m_b = b;
  v.m_count = count;
  return v;
}

nlohmann::json SweepValues::operator[](std::size_t i) const {
  if (m_kind == Kind::List) return m_list.at(i);
  const auto n = static_cast<double>(m_count);
  // Same formula as numpy.linspace: the end point is exact.
  const double t = m_count == 1       ? m_a
                   : i + 1 == m_count ? m_b
                                      : m_a + (m_b - m_a) * static_cast<double>(i) / (n - 1);
  return m_kind == Kind::Logspace ? std::pow(10.0, t) : t;
}

nlohmann::json SweepValues::spec() const {
  if (m_kind == Kind::List) return m_list;
  return {{m_kind == Kind::Linspace ? "linspace" : "logspace", {m_a, m_b, m_count}}};
}

void to_json(nlohmann::json& j, const SweepValues& v) { j = v.spec(); }

bool applySweepValue(nlohmann::json& params, const std::string& path, const nlohmann::json& value,
                     std::string* error) {
  std::string err;
  const auto p = ParamPath::parse(path, &err);
  if (p && setAtPath(params, *p, value, &err)) return true;
  if (error) *error = "sweep parameter " + err;
  return false;
}

}  // namespace sciagents::core
