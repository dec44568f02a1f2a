// The value model shared by every agent, the engine, the CLI, the server and Studio.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sciagents::core {

class Value;

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;  // column-major; JSON is row-major (one array per row)
using SparseMatrix = Eigen::SparseMatrix<double>;
using List = std::vector<Value>;
using Map = std::map<std::string, Value, std::less<>>;

// Values on a rectilinear grid: axes[i] holds the coordinates along axis i (x, y, z),
// values is row-major with the LAST axis varying fastest: index = ((i*ny)+j)*nz+k.
struct GridField {
  std::vector<Vector> axes;
  std::vector<std::string> axis_names;  // e.g. {"x","y"}
  Vector values;
  bool operator==(const GridField&) const = default;
};

// A sampled trajectory: t (n) and values (n x m), one column per named channel.
struct TimeSeries {
  Vector t;
  Matrix values;
  std::vector<std::string> names;
  bool operator==(const TimeSeries&) const = default;
};

// Named columns of equal length; each column is a Vector or a List of strings.
struct Table {
  std::vector<std::string> columns;
  std::vector<Value> data;  // one Value per column
  bool operator==(const Table&) const;
};

enum class ValueKind {
  Null,
  Bool,
  Integer,
  Scalar,
  String,
  Vector,
  Matrix,
  SparseMatrix,
  GridField,
  TimeSeries,
  Table,
  List,
  Map,
};

std::string_view kindName(ValueKind k);

class Value {
 public:
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : m_data(b) {}
  Value(int i) : m_data(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : m_data(i) {}
  Value(double d) : m_data(d) {}
  Value(const char* s) : m_data(std::string(s)) {}
  Value(std::string s) : m_data(std::move(s)) {}
  // Arrays are shared, immutable payloads: copying a Value never copies the numbers.
  Value(Vector v) : m_data(std::make_shared<const Vector>(std::move(v))) {}
  Value(Matrix m) : m_data(std::make_shared<const Matrix>(std::move(m))) {}
  Value(SparseMatrix s) : m_data(std::make_shared<const SparseMatrix>(std::move(s))) {}
  Value(GridField g) : m_data(std::make_shared<GridField>(std::move(g))) {}
  Value(TimeSeries t) : m_data(std::make_shared<TimeSeries>(std::move(t))) {}
  Value(Table t) : m_data(std::make_shared<Table>(std::move(t))) {}
  Value(List l) : m_data(std::move(l)) {}
  Value(Map m) : m_data(std::move(m)) {}

  ValueKind kind() const { return static_cast<ValueKind>(m_data.index()); }
  std::string_view kindName() const { return core::kindName(kind()); }

  bool isNull() const { return kind() == ValueKind::Null; }
  bool isNumber() const { return kind() == ValueKind::Scalar || kind() == ValueKind::Integer; }
  bool isString() const { return kind() == ValueKind::String; }

  // Strict accessors: throw std::invalid_argument naming the actual kind on mismatch.
  bool asBool() const;
  std::int64_t asInt() const;  // Integer, or Scalar with an integral value
  double asDouble() const;     // Scalar or Integer
  const std::string& asString() const;
  const Vector& asVector() const;  // exact kind only
  const Matrix& asMatrix() const;
  const SparseMatrix& asSparse() const;
  const GridField& asGrid() const;
  const TimeSeries& asTimeSeries() const;
  const Table& asTable() const;
  const List& asList() const;
  const Map& asMap() const;
  List& asList();
  Map& asMap();

  // Lenient conversions used by agents: a number is a 1-vector, a vector is an n x 1 matrix,
  // a list of numbers is a vector, a list of equal-length vectors a matrix.
  Vector toVector() const;
  Matrix toMatrix() const;
  std::vector<std::string> toStringList() const;

  // Element access used by links: STEP.OUTPUT[i] (negative i counts from the end).
  // Vector -> Scalar, Matrix -> row Vector, List -> item, TimeSeries -> row of values.
  Value at(std::int64_t i) const;
  std::int64_t size() const;  // number of elements addressable by at()

  const Value* find(std::string_view key) const;  // Map lookup, nullptr when absent

  bool operator==(const Value& other) const;

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string,
               std::shared_ptr<const Vector>, std::shared_ptr<const Matrix>,
               std::shared_ptr<const SparseMatrix>, std::shared_ptr<const GridField>,
               std::shared_ptr<const TimeSeries>, std::shared_ptr<const Table>, List, Map>
      m_data;
};

}  // namespace sciagents::core
