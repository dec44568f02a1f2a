#include "core/workflow/sweep.h"

#include "core/util/error.h"
#include "core/value/value.h"
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

std::vector<std::string> SweepSpec::paths() const {
  switch (mode) {
    case Mode::One:
      return {param};
    case Mode::Grid:
    case Mode::Zip: {
      std::vector<std::string> out;
      for (const auto& a : axes) out.push_back(a.param);
      return out;
    }
    case Mode::Design:
      return design_params;
  }
  return {};
}

std::size_t SweepSpec::pointCount() const {
  switch (mode) {
    case Mode::One:
      return values.size();
    case Mode::Grid: {
      std::size_t n = 1;
      for (const auto& a : axes) n *= a.values.size();
      return axes.empty() ? 0 : n;
    }
    case Mode::Zip:
      return axes.empty() ? 0 : axes.front().values.size();
    case Mode::Design:
      return 0;
  }
  return 0;
}

std::string SweepSpec::label() const {
  std::string joined;
  const char* sep = mode == Mode::Grid ? " × " : ", ";
  for (const auto& p : paths()) joined += (joined.empty() ? "" : sep) + p;
  switch (mode) {
    case Mode::One:
      return param;
    case Mode::Grid:
      return "grid " + joined;
    case Mode::Zip:
      return "zip " + joined;
    case Mode::Design:
      return "design " + design_from + " → " + joined;
  }
  return joined;
}

nlohmann::json SweepSpec::spec() const {
  if (mode == Mode::One) return {{"param", param}, {"values", values.spec()}};
  if (mode == Mode::Design) return {{"design", {{"from", design_from}}}, {"params", design_params}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : axes) list.push_back({{"param", a.param}, {"values", a.values.spec()}});
  return {{mode == Mode::Grid ? "grid" : "zip", list}};
}

SweepPoints::SweepPoints(const SweepSpec& spec, const Value* design)
    : m_spec(&spec), m_design(design), m_paths(spec.paths()), m_size(spec.pointCount()) {
  if (spec.mode != SweepSpec::Mode::Design) return;
  const std::string what = "sweep design '" + spec.design_from + "'";
  if (!design) throw Error(ErrorCode::InvalidInput, what + " has no value");
  const std::size_t d = m_paths.size();
  if (design->kind() == ValueKind::Matrix) {
    const auto& m = design->asMatrix();
    if (static_cast<std::size_t>(m.cols()) != d)
      throw Error(ErrorCode::InvalidInput, what + " has " + std::to_string(m.cols()) +
                                               " columns but the sweep sets " + std::to_string(d) +
                                               " params (one column per param)");
    m_size = static_cast<std::size_t>(m.rows());
  } else if (design->kind() == ValueKind::Vector && d == 1) {
    m_size = static_cast<std::size_t>(design->asVector().size());
  } else {
    throw Error(ErrorCode::InvalidInput,
                what + " must be a matrix with one row per point and one column per param" +
                    std::string(d == 1 ? " (or a vector)" : "") + ", got " +
                    std::string(design->kindName()));
  }
  if (m_size == 0) throw Error(ErrorCode::InvalidInput, what + " has no rows");
}

nlohmann::json SweepPoints::value(std::size_t point, std::size_t column) const {
  const SweepSpec& s = *m_spec;
  switch (s.mode) {
    case SweepSpec::Mode::One:
      return s.values[point];
    case SweepSpec::Mode::Zip:
      return s.axes[column].values[point];
    case SweepSpec::Mode::Grid: {
      // Mixed radix, the last axis fastest (itertools.product, numpy.meshgrid indexing="ij").
      std::size_t rest = point;
      for (std::size_t a = s.axes.size(); a-- > column + 1;) rest /= s.axes[a].values.size();
      return s.axes[column].values[rest % s.axes[column].values.size()];
    }
    case SweepSpec::Mode::Design: {
      const auto r = static_cast<Eigen::Index>(point), c = static_cast<Eigen::Index>(column);
      return m_design->kind() == ValueKind::Matrix ? m_design->asMatrix()(r, c)
                                                   : m_design->asVector()(r);
    }
  }
  return nullptr;
}

bool SweepPoints::apply(nlohmann::json& params, std::size_t point, std::string* error) const {
  for (std::size_t c = 0; c < m_paths.size(); ++c)
    if (!applySweepValue(params, m_paths[c], value(point, c), error)) return false;
  return true;
}

}  // namespace sciagents::core
