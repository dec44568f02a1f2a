#include "core/value/value.h"

#include <cmath>
#include <stdexcept>

namespace sciagents::core {

std::string_view kindName(ValueKind k) {
  switch (k) {
    case ValueKind::Null:
      return "null";
    case ValueKind::Bool:
      return "bool";
    case ValueKind::Integer:
      return "integer";
    case ValueKind::Scalar:
      return "number";
    case ValueKind::String:
      return "string";
    case ValueKind::Vector:
      return "vector";
    case ValueKind::Matrix:
      return "matrix";
    case ValueKind::SparseMatrix:
      return "sparse_matrix";
    case ValueKind::GridField:
      return "grid_field";
    case ValueKind::TimeSeries:
      return "time_series";
    case ValueKind::Table:
      return "table";
    case ValueKind::List:
      return "list";
    case ValueKind::Map:
      return "map";
  }
  return "?";
}

bool Table::operator==(const Table& o) const { return columns == o.columns && data == o.data; }

namespace {
[[noreturn]] void mismatch(const Value& v, std::string_view wanted) {
  throw std::invalid_argument("expected " + std::string(wanted) + ", got " +
                              std::string(v.kindName()));
}
}  // namespace

#define SCIAGENTS_VALUE_GET(Kind, Type, name)          \
  if (auto* p = std::get_if<Type>(&m_data)) return *p; \
  mismatch(*this, name)

bool Value::asBool() const { SCIAGENTS_VALUE_GET(Bool, bool, "bool"); }
const std::string& Value::asString() const { SCIAGENTS_VALUE_GET(String, std::string, "string"); }
const Vector& Value::asVector() const {
  if (auto* p = std::get_if<std::shared_ptr<const Vector>>(&m_data)) return **p;
  mismatch(*this, "vector");
}
const Matrix& Value::asMatrix() const {
  if (auto* p = std::get_if<std::shared_ptr<const Matrix>>(&m_data)) return **p;
  mismatch(*this, "matrix");
}
const SparseMatrix& Value::asSparse() const {
  if (auto* p = std::get_if<std::shared_ptr<const SparseMatrix>>(&m_data)) return **p;
  mismatch(*this, "sparse_matrix");
}
const List& Value::asList() const { SCIAGENTS_VALUE_GET(List, List, "list"); }
const Map& Value::asMap() const { SCIAGENTS_VALUE_GET(Map, Map, "map"); }
List& Value::asList() { SCIAGENTS_VALUE_GET(List, List, "list"); }
Map& Value::asMap() { SCIAGENTS_VALUE_GET(Map, Map, "map"); }
#undef SCIAGENTS_VALUE_GET

const GridField& Value::asGrid() const {
  if (auto* p = std::get_if<std::shared_ptr<const GridField>>(&m_data)) return **p;
  mismatch(*this, "grid_field");
}
const TimeSeries& Value::asTimeSeries() const {
  if (auto* p = std::get_if<std::shared_ptr<const TimeSeries>>(&m_data)) return **p;
  mismatch(*this, "time_series");
}
const Table& Value::asTable() const {
  if (auto* p = std::get_if<std::shared_ptr<const Table>>(&m_data)) return **p;
  mismatch(*this, "table");
}

std::int64_t Value::asInt() const {
  if (auto* p = std::get_if<std::int64_t>(&m_data)) return *p;
  if (auto* d = std::get_if<double>(&m_data)) {
    if (std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9.0e15)
      return static_cast<std::int64_t>(*d);
    throw std::invalid_argument("expected an integer, got " + std::to_string(*d));
  }
  mismatch(*this, "integer");
}

double Value::asDouble() const {
  if (auto* d = std::get_if<double>(&m_data)) return *d;
  if (auto* p = std::get_if<std::int64_t>(&m_data)) return static_cast<double>(*p);
  mismatch(*this, "number");
}

Vector Value::toVector() const {
  switch (kind()) {
    case ValueKind::Vector:
      return asVector();
    case ValueKind::Scalar:
    case ValueKind::Integer:
      return Vector::Constant(1, asDouble());
    case ValueKind::Matrix: {
      const Matrix& m = asMatrix();
      if (m.cols() == 1) return m.col(0);
      if (m.rows() == 1) return m.row(0).transpose();
      throw std::invalid_argument("expected a vector, got a " + std::to_string(m.rows()) + "x" +
                                  std::to_string(m.cols()) + " matrix");
    }
    case ValueKind::List: {
      const List& l = asList();
      Vector v(static_cast<Eigen::Index>(l.size()));
      for (size_t i = 0; i < l.size(); ++i) {
        if (!l[i].isNumber())
          throw std::invalid_argument("expected a vector, but element " + std::to_string(i) +
                                      " is a " + std::string(l[i].kindName()));
        v[static_cast<Eigen::Index>(i)] = l[i].asDouble();
      }
      return v;
    }
    default:
      mismatch(*this, "vector");
  }
}

Matrix Value::toMatrix() const {
  switch (kind()) {
    case ValueKind::Matrix:
      return asMatrix();
    case ValueKind::SparseMatrix:
      return Matrix(asSparse());
    case ValueKind::Vector:
      return asVector();
    case ValueKind::Scalar:
    case ValueKind::Integer:
      return Matrix::Constant(1, 1, asDouble());
    case ValueKind::List: {
      const List& l = asList();
      if (l.empty()) return Matrix(0, 0);
      std::vector<Vector> rows;
      rows.reserve(l.size());
      for (const auto& item : l) rows.push_back(item.toVector());
      Matrix m(static_cast<Eigen::Index>(rows.size()), rows[0].size());
      for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].size() != m.cols())
          throw std::invalid_argument("expected a matrix, but row " + std::to_string(i) + " has " +
                                      std::to_string(rows[i].size()) + " entries instead of " +
                                      std::to_string(m.cols()));
        m.row(static_cast<Eigen::Index>(i)) = rows[i].transpose();
      }
      return m;
    }
    default:
      mismatch(*this, "matrix");
  }
}

std::vector<std::string> Value::toStringList() const {
  if (isString()) return {asString()};
  // JSON [] reads back as an empty vector; it is also an empty list of names.
  if (kind() == ValueKind::Vector && asVector().size() == 0) return {};
  std::vector<std::string> out;
  for (const auto& item : asList()) {
    if (!item.isString()) mismatch(item, "string");
    out.push_back(item.asString());
  }
  return out;
}

std::int64_t Value::size() const {
  switch (kind()) {
    case ValueKind::Vector:
      return asVector().size();
    case ValueKind::Matrix:
      return asMatrix().rows();
    case ValueKind::List:
      return static_cast<std::int64_t>(asList().size());
    case ValueKind::TimeSeries:
      return asTimeSeries().values.rows();
    case ValueKind::GridField:
      return asGrid().values.size();
    default:
      return 0;
  }
}

Value Value::at(std::int64_t i) const {
  const std::int64_t n = size();
  if (kind() != ValueKind::Vector && kind() != ValueKind::Matrix && kind() != ValueKind::List &&
      kind() != ValueKind::TimeSeries && kind() != ValueKind::GridField)
    throw std::invalid_argument("cannot index a " + std::string(kindName()));
  const std::int64_t j = i < 0 ? n + i : i;
  if (j < 0 || j >= n)
    throw std::out_of_range("index " + std::to_string(i) + " out of range for " +
                            std::string(kindName()) + " of size " + std::to_string(n));
  switch (kind()) {
    case ValueKind::Vector:
      return asVector()[j];
    case ValueKind::Matrix:
      return Vector(asMatrix().row(j).transpose());
    case ValueKind::List:
      return asList()[static_cast<size_t>(j)];
    case ValueKind::TimeSeries:
      return Vector(asTimeSeries().values.row(j).transpose());
    case ValueKind::GridField:
      return asGrid().values[j];
    default:
      return {};
  }
}

const Value* Value::find(std::string_view key) const {
  auto* m = std::get_if<Map>(&m_data);
  if (!m) return nullptr;
  auto it = m->find(key);
  return it == m->end() ? nullptr : &it->second;
}

namespace {
bool sameDoubles(const double* a, const double* b, Eigen::Index n) {
  // NaN == NaN here: the model is compared for round-trip identity, not arithmetic equality.
  for (Eigen::Index i = 0; i < n; ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

bool sameVector(const Vector& a, const Vector& b) {
  return a.size() == b.size() && sameDoubles(a.data(), b.data(), a.size());
}

bool sameMatrix(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && sameDoubles(a.data(), b.data(), a.size());
}

bool sameEntry(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Compares values, not storage: an explicitly stored zero equals an absent entry. Merges the two
// sorted inner index lists column by column instead of densifying (a 1e6 x 1e6 sparse matrix must
// not allocate 8 TB just to be compared).
bool sameSparse(const SparseMatrix& a, const SparseMatrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (Eigen::Index k = 0; k < a.outerSize(); ++k) {
    SparseMatrix::InnerIterator ia(a, k), ib(b, k);
    while (ia || ib) {
      if (ia && (!ib || ia.index() < ib.index())) {
        if (ia.value() != 0.0) return false;
        ++ia;
      } else if (ib && (!ia || ib.index() < ia.index())) {
        if (ib.value() != 0.0) return false;
        ++ib;
      } else {
        if (!sameEntry(ia.value(), ib.value())) return false;
        ++ia;
        ++ib;
      }
    }
  }
  return true;
}
}  // namespace

bool Value::operator==(const Value& o) const {
  if (kind() != o.kind()) return false;
  switch (kind()) {
    case ValueKind::Null:
      return true;
    case ValueKind::Bool:
      return asBool() == o.asBool();
    case ValueKind::Integer:
      return asInt() == o.asInt();
    case ValueKind::Scalar: {
      const double a = asDouble(), b = o.asDouble();
      return a == b || (std::isnan(a) && std::isnan(b));
    }
    case ValueKind::String:
      return asString() == o.asString();
    case ValueKind::Vector:
      return sameVector(asVector(), o.asVector());
    case ValueKind::Matrix:
      return sameMatrix(asMatrix(), o.asMatrix());
    case ValueKind::SparseMatrix:
      return sameSparse(asSparse(), o.asSparse());
    case ValueKind::GridField: {
      // Not GridField::operator==: Eigen's == asserts on size mismatch and treats NaN != NaN.
      const GridField &a = asGrid(), &b = o.asGrid();
      if (a.axis_names != b.axis_names || a.axes.size() != b.axes.size() ||
          !sameVector(a.values, b.values))
        return false;
      for (size_t i = 0; i < a.axes.size(); ++i)
        if (!sameVector(a.axes[i], b.axes[i])) return false;
      return true;
    }
    case ValueKind::TimeSeries: {
      const TimeSeries &a = asTimeSeries(), &b = o.asTimeSeries();
      return a.names == b.names && sameVector(a.t, b.t) && sameMatrix(a.values, b.values);
    }
    case ValueKind::Table:
      return asTable() == o.asTable();
    case ValueKind::List:
      return asList() == o.asList();
    case ValueKind::Map:
      return asMap() == o.asMap();
  }
  return false;
}

}  // namespace sciagents::core
