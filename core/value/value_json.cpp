#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

namespace sciagents::core {

using nlohmann::json;

namespace {

// fromJson is fed user input: bound the recursion so hostile nesting cannot exhaust the stack.
constexpr int kMaxDepth = 128;
// Sparse matrices allocate cols+1 outer indices up front; cap dimensions so a tiny document
// cannot request gigabytes.
constexpr std::int64_t kMaxSparseDim = std::int64_t{1} << 27;

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument(message); }

// ---------------------------------------------------------------------------------------------
// Writing

struct Writer {
  const JsonWriteOptions& options;
  std::size_t next_sidecar = 0;

  bool useSidecar(std::size_t n) const {
    return !options.sidecar_dir.empty() && options.sidecar_min_elements > 0 &&
           n >= options.sidecar_min_elements;
  }

  // `data` is column-major rows x cols (Eigen layout); writeNpy stores it in C order.
  json sidecar(const double* data, std::size_t rows, std::size_t cols, bool is_vector) {
    // A link planted at the sidecar directory's name would send the files elsewhere.
    if (std::filesystem::is_symlink(options.sidecar_dir))
      throw std::runtime_error("sidecar directory '" + options.sidecar_dir.string() +
                               "' is a symbolic link; refusing to write through it");
    std::filesystem::create_directories(options.sidecar_dir);
    const std::string file = options.sidecar_prefix + std::to_string(next_sidecar++) + ".npy";
    writeNpy(options.sidecar_dir / file, data, rows, cols, is_vector);
    json shape = is_vector ? json::array({rows}) : json::array({rows, cols});
    // Relative to the directory that holds the JSON file (sidecar_dir's parent).
    const std::filesystem::path rel = options.sidecar_dir.filename() / file;
    return {{"$type", "npy"}, {"path", rel.generic_string()}, {"shape", shape}, {"dtype", "<f8"}};
  }

  static json number(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return d;
  }

  json numbers(const double* data, std::size_t n) {
    if (useSidecar(n)) return sidecar(data, n, 1, true);
    json a = json::array();
    a.get_ref<json::array_t&>().reserve(n);
    for (std::size_t i = 0; i < n; ++i) a.push_back(number(data[i]));
    return a;
  }

  json vector(const Vector& v) { return numbers(v.data(), static_cast<std::size_t>(v.size())); }

  json matrix(const Matrix& m) {
    const auto rows = static_cast<std::size_t>(m.rows()), cols = static_cast<std::size_t>(m.cols());
    if (useSidecar(rows * cols)) return sidecar(m.data(), rows, cols, false);
    if (rows == 0)  // [] would read back as a vector
      return {{"$type", "matrix"}, {"shape", {rows, cols}}, {"values", json::array()}};
    json a = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      json row = json::array();
      for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(number(m(r, c)));
      a.push_back(std::move(row));
    }
    return a;
  }

  json sparse(const SparseMatrix& s) {
    json i = json::array(), j = json::array(), v = json::array();
    for (Eigen::Index c = 0; c < s.outerSize(); ++c)
      for (SparseMatrix::InnerIterator it(s, c); it; ++it) {
        i.push_back(static_cast<std::int64_t>(it.row()));
        j.push_back(static_cast<std::int64_t>(it.col()));
        v.push_back(number(it.value()));
      }
    return {{"$type", "sparse_matrix"}, {"rows", s.rows()},  {"cols", s.cols()},
            {"i", std::move(i)},        {"j", std::move(j)}, {"values", std::move(v)}};
  }

  json grid(const GridField& g) {
    json axes = json::array(), shape = json::array();
    for (const auto& a : g.axes) {
      axes.push_back(vector(a));
      shape.push_back(a.size());
    }
    return {{"$type", "grid_field"},
            {"axes", std::move(axes)},
            {"axis_names", g.axis_names},
            {"shape", std::move(shape)},
            {"values", vector(g.values)}};
  }

  json timeSeries(const TimeSeries& t) {
    return {{"$type", "time_series"},
            {"t", vector(t.t)},
            {"values", matrix(t.values)},
            {"names", t.names}};
  }

  json table(const Table& t) {
    json data = json::array();
    for (const auto& col : t.data) data.push_back(write(col));
    return {{"$type", "table"}, {"columns", t.columns}, {"data", std::move(data)}};
  }

  json list(const List& l);
  json map(const Map& m);
  json write(const Value& v);
};

// ---------------------------------------------------------------------------------------------
// Shape inference shared by the reader and the writer (the writer tags lists that would read back
// as a vector or a matrix).

bool isNonFiniteName(const json& j) {
  if (!j.is_string()) return false;
  const auto& s = j.get_ref<const std::string&>();
  return s == "NaN" || s == "Infinity" || s == "-Infinity";
}

bool isNumericElement(const json& j) { return j.is_number() || isNonFiniteName(j); }

bool isNumericArray(const json& j) {
  if (!j.is_array()) return false;
  for (const auto& e : j)
    if (!isNumericElement(e)) return false;
  return true;
}

enum class ArrayShape { Vector, Matrix, List };

ArrayShape classify(const json& a) {
  if (isNumericArray(a)) return ArrayShape::Vector;  // includes []
  const std::size_t cols = a.front().is_array() ? a.front().size() : 0;
  for (const auto& row : a)
    if (!isNumericArray(row) || row.size() != cols) return ArrayShape::List;
  return ArrayShape::Matrix;
}

json Writer::list(const List& l) {
  json items = json::array();
  for (const auto& item : l) items.push_back(write(item));
  if (classify(items) == ArrayShape::List) return items;
  return {{"$type", "list"}, {"items", std::move(items)}};
}

json Writer::map(const Map& m) {
  json o = json::object();
  for (const auto& [k, v] : m) o[k] = write(v);
  if (o.contains("$type")) return {{"$type", "map"}, {"entries", std::move(o)}};
  return o;
}

json Writer::write(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Null:
      return nullptr;
    case ValueKind::Bool:
      return v.asBool();
    case ValueKind::Integer:
      return v.asInt();
    case ValueKind::Scalar: {
      const double d = v.asDouble();
      // A bare "NaN" string would read back as a String.
      if (!std::isfinite(d)) return {{"$type", "float"}, {"value", number(d)}};
      return d;
    }
    case ValueKind::String:
      return v.asString();
    case ValueKind::Vector:
      return vector(v.asVector());
    case ValueKind::Matrix:
      return matrix(v.asMatrix());
    case ValueKind::SparseMatrix:
      return sparse(v.asSparse());
    case ValueKind::GridField:
      return grid(v.asGrid());
    case ValueKind::TimeSeries:
      return timeSeries(v.asTimeSeries());
    case ValueKind::Table:
      return table(v.asTable());
    case ValueKind::List:
      return list(v.asList());
    case ValueKind::Map:
      return map(v.asMap());
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Reading

std::string typeName(const json& j) { return j.type_name(); }

double toDouble(const json& e) {
  if (e.is_number()) return e.get<double>();
  const auto& s = e.get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  return s == "Infinity" ? std::numeric_limits<double>::infinity()
                         : -std::numeric_limits<double>::infinity();
}

struct Reader {
  const std::filesystem::path& base_dir;

  const json& field(const json& o, const char* type, const char* key) const {
    auto it = o.find(key);
    if (it == o.end()) fail(std::string(type) + ": missing key '" + key + "'");
    return *it;
  }

  std::int64_t nonNegative(const json& j, const std::string& what) const {
    if (j.is_number_unsigned()) {
      if (j.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail(what + " is too large");
      return static_cast<std::int64_t>(j.get<std::uint64_t>());
    }
    if (!j.is_number_integer() || j.get<std::int64_t>() < 0)
      fail(what + " must be a non-negative integer, got " + typeName(j));
    return j.get<std::int64_t>();
  }

  std::vector<std::string> strings(const json& j, const std::string& what) const {
    if (!j.is_array()) fail(what + " must be an array of strings, got " + typeName(j));
    std::vector<std::string> out;
    for (const auto& e : j) {
      if (!e.is_string()) fail(what + " must contain only strings, found " + typeName(e));
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  Vector numbers(const json& j, const std::string& what) const {
    if (j.is_object() && j.value("$type", json()) == "npy") {
      Value v = npy(j);
      if (v.kind() != ValueKind::Vector) fail(what + ": expected a 1-D npy array");
      return v.asVector();
    }
    if (!isNumericArray(j)) fail(what + " must be an array of numbers");
    Vector v(static_cast<Eigen::Index>(j.size()));
    for (std::size_t i = 0; i < j.size(); ++i) v[static_cast<Eigen::Index>(i)] = toDouble(j[i]);
    return v;
  }

  Matrix rowsToMatrix(const json& a) const {
    const auto rows = static_cast<Eigen::Index>(a.size());
    const auto cols = static_cast<Eigen::Index>(a.empty() ? 0 : a.front().size());
    Matrix m(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r) {
      const json& row = a[static_cast<std::size_t>(r)];
      for (Eigen::Index c = 0; c < cols; ++c) m(r, c) = toDouble(row[static_cast<std::size_t>(c)]);
    }
    return m;
  }

  Matrix matrix(const json& j, const std::string& what) const {
    if (j.is_array()) {
      if (j.empty() || classify(j) != ArrayShape::Matrix)
        fail(what + " must be an array of equal-length number arrays");
      return rowsToMatrix(j);
    }
    if (j.is_object()) {
      Value v = read(j, 1);
      if (v.kind() == ValueKind::Matrix) return v.asMatrix();
    }
    fail(what + " must be a matrix");
  }

  Value tagged(const json& o, int depth) const {
    const json& tag = o["$type"];
    if (!tag.is_string()) fail("\"$type\" must be a string, got " + typeName(tag));
    const auto& type = tag.get_ref<const std::string&>();
    if (type == "float") return floatValue(o);
    if (type == "list") return listValue(o, depth);
    if (type == "map") return mapValue(o, depth);
    if (type == "matrix") return matrixValue(o);
    if (type == "sparse_matrix") return sparseValue(o);
    if (type == "grid_field") return gridValue(o);
    if (type == "time_series") return timeSeriesValue(o);
    if (type == "table") return tableValue(o, depth);
    if (type == "npy") return npy(o);
    fail("unknown \"$type\" '" + type +
         "' (expected float, list, map, matrix, sparse_matrix, grid_field, time_series, table or "
         "npy)");
  }

  Value floatValue(const json& o) const {
    const json& v = field(o, "float", "value");
    if (!isNumericElement(v))
      fail("float: 'value' must be a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
    return toDouble(v);
  }

  Value listValue(const json& o, int depth) const {
    const json& items = field(o, "list", "items");
    if (!items.is_array()) fail("list: 'items' must be an array, got " + typeName(items));
    List l;
    l.reserve(items.size());
    for (const auto& item : items) l.push_back(read(item, depth + 1));
    return l;
  }

  Value mapValue(const json& o, int depth) const {
    const json& entries = field(o, "map", "entries");
    if (!entries.is_object()) fail("map: 'entries' must be an object, got " + typeName(entries));
    Map m;
    for (auto it = entries.begin(); it != entries.end(); ++it)
      m.emplace(it.key(), read(it.value(), depth + 1));
    return m;
  }

  Value matrixValue(const json& o) const {
    const json& shape = field(o, "matrix", "shape");
    if (!shape.is_array() || shape.size() != 2) fail("matrix: 'shape' must be [rows, cols]");
    const std::int64_t rows = nonNegative(shape[0], "matrix: rows");
    const std::int64_t cols = nonNegative(shape[1], "matrix: cols");
    const Vector values = numbers(field(o, "matrix", "values"), "matrix: 'values'");
    if (cols != 0 && rows > std::numeric_limits<std::int64_t>::max() / cols)
      fail("matrix: 'shape' is too large");
    if (rows * cols != values.size())
      fail("matrix: 'values' has " + std::to_string(values.size()) + " entries, shape needs " +
           std::to_string(rows * cols));
    // values are row-major.
    Matrix m(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r)
      for (Eigen::Index c = 0; c < cols; ++c) m(r, c) = values[r * cols + c];
    return m;
  }

  Value sparseValue(const json& o) const {
    const std::int64_t rows = nonNegative(field(o, "sparse_matrix", "rows"), "sparse_matrix: rows");
    const std::int64_t cols = nonNegative(field(o, "sparse_matrix", "cols"), "sparse_matrix: cols");
    if (rows > kMaxSparseDim || cols > kMaxSparseDim)
      fail("sparse_matrix: dimensions above " + std::to_string(kMaxSparseDim) +
           " are not supported");
    const json& ji = field(o, "sparse_matrix", "i");
    const json& jj = field(o, "sparse_matrix", "j");
    const Vector values = numbers(field(o, "sparse_matrix", "values"), "sparse_matrix: 'values'");
    if (!ji.is_array() || !jj.is_array()) fail("sparse_matrix: 'i' and 'j' must be arrays");
    if (ji.size() != jj.size() || ji.size() != static_cast<std::size_t>(values.size()))
      fail("sparse_matrix: 'i', 'j' and 'values' must have the same length");
    std::vector<Eigen::Triplet<double>> triplets;
    triplets.reserve(ji.size());
    for (std::size_t k = 0; k < ji.size(); ++k) {
      const std::int64_t r = nonNegative(ji[k], "sparse_matrix: row index");
      const std::int64_t c = nonNegative(jj[k], "sparse_matrix: column index");
      if (r >= rows || c >= cols)
        fail("sparse_matrix: entry " + std::to_string(k) + " (" + std::to_string(r) + ", " +
             std::to_string(c) + ") is outside the " + std::to_string(rows) + "x" +
             std::to_string(cols) + " matrix");
      triplets.emplace_back(static_cast<int>(r), static_cast<int>(c),
                            values[static_cast<Eigen::Index>(k)]);
    }
    SparseMatrix s(rows, cols);
    s.setFromTriplets(triplets.begin(), triplets.end());
    s.makeCompressed();
    return s;
  }

  Value gridValue(const json& o) const {
    const json& jaxes = field(o, "grid_field", "axes");
    if (!jaxes.is_array()) fail("grid_field: 'axes' must be an array of coordinate arrays");
    GridField g;
    for (std::size_t a = 0; a < jaxes.size(); ++a)
      g.axes.push_back(numbers(jaxes[a], "grid_field: axis " + std::to_string(a)));
    if (auto it = o.find("axis_names"); it != o.end())
      g.axis_names = strings(*it, "grid_field: 'axis_names'");
    if (!g.axis_names.empty() && g.axis_names.size() != g.axes.size())
      fail("grid_field: " + std::to_string(g.axis_names.size()) + " axis names for " +
           std::to_string(g.axes.size()) + " axes");
    g.values = numbers(field(o, "grid_field", "values"), "grid_field: 'values'");
    if (auto it = o.find("shape"); it != o.end()) {
      if (!it->is_array() || it->size() != g.axes.size())
        fail("grid_field: 'shape' must list one size per axis");
      for (std::size_t a = 0; a < g.axes.size(); ++a)
        if (nonNegative((*it)[a], "grid_field: shape") != g.axes[a].size())
          fail("grid_field: shape[" + std::to_string(a) + "] does not match the length of axis " +
               std::to_string(a));
    }
    if (!g.axes.empty()) {
      std::int64_t n = 1;
      for (const auto& axis : g.axes) {
        if (axis.size() != 0 && n > std::numeric_limits<std::int64_t>::max() / axis.size())
          fail("grid_field: grid is too large");
        n *= axis.size();
      }
      if (n != g.values.size())
        fail("grid_field: 'values' has " + std::to_string(g.values.size()) +
             " entries but the axes define " + std::to_string(n) + " grid points");
    }
    return g;
  }

  Value timeSeriesValue(const json& o) const {
    TimeSeries t;
    t.t = numbers(field(o, "time_series", "t"), "time_series: 't'");
    const json& jv = field(o, "time_series", "values");
    if (jv.is_array() && jv.empty())
      t.values = Matrix(0, 0);
    else
      t.values = matrix(jv, "time_series: 'values'");
    if (auto it = o.find("names"); it != o.end()) t.names = strings(*it, "time_series: 'names'");
    if (t.values.rows() != t.t.size())
      fail("time_series: 'values' has " + std::to_string(t.values.rows()) + " rows but 't' has " +
           std::to_string(t.t.size()) + " points");
    if (!t.names.empty() && static_cast<Eigen::Index>(t.names.size()) != t.values.cols())
      fail("time_series: " + std::to_string(t.names.size()) + " names for " +
           std::to_string(t.values.cols()) + " channels");
    return t;
  }

  Value tableValue(const json& o, int depth) const {
    Table t;
    t.columns = strings(field(o, "table", "columns"), "table: 'columns'");
    const json& data = field(o, "table", "data");
    if (!data.is_array()) fail("table: 'data' must be an array with one entry per column");
    if (data.size() != t.columns.size())
      fail("table: " + std::to_string(t.columns.size()) + " columns but " +
           std::to_string(data.size()) + " data entries");
    for (const auto& col : data) t.data.push_back(read(col, depth + 1));
    return t;
  }

  Value npy(const json& o) const {
    const json& jpath = field(o, "npy", "path");
    if (!jpath.is_string()) fail("npy: 'path' must be a string");
    if (auto it = o.find("dtype"); it != o.end() && *it != "<f8")
      fail("npy: only dtype '<f8' is supported");
    if (base_dir.empty())
      fail("npy: sidecar file '" + jpath.get<std::string>() +
           "' cannot be resolved without a base directory");
    const std::filesystem::path rel(jpath.get<std::string>());
    // Sidecars live next to the JSON; refuse anything that could escape base_dir.
    if (rel.empty() || rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
      fail("npy: path '" + rel.generic_string() + "' must be relative to the JSON file");
    for (const auto& part : rel)
      if (part == "..") fail("npy: path '" + rel.generic_string() + "' must not contain '..'");
    const std::filesystem::path file = base_dir / rel;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
      fail("npy: sidecar file '" + file.string() + "' does not exist or is not a regular file");
    Value v = readNpy(file);
    if (auto it = o.find("shape"); it != o.end()) {
      if (!it->is_array()) fail("npy: 'shape' must be an array");
      json actual = v.kind() == ValueKind::Vector
                        ? json::array({v.asVector().size()})
                        : json::array({v.asMatrix().rows(), v.asMatrix().cols()});
      if (*it != actual)
        fail("npy: '" + file.string() + "' has shape " + actual.dump() +
             ", which differs from the 'shape' given in the JSON");
    }
    return v;
  }

  Value read(const json& j, int depth) const {
    if (depth > kMaxDepth)
      fail("JSON nesting deeper than " + std::to_string(kMaxDepth) + " levels is not supported");
    switch (j.type()) {
      case json::value_t::null:
        return nullptr;
      case json::value_t::boolean:
        return j.get<bool>();
      case json::value_t::number_integer:
        return j.get<std::int64_t>();
      case json::value_t::number_unsigned: {
        const auto u = j.get<std::uint64_t>();
        if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          return static_cast<std::int64_t>(u);
        return static_cast<double>(u);
      }
      case json::value_t::number_float:
        return j.get<double>();
      case json::value_t::string:
        return j.get<std::string>();
      case json::value_t::array: {
        switch (classify(j)) {
          case ArrayShape::Vector:
            return numbers(j, "array");
          case ArrayShape::Matrix:
            return rowsToMatrix(j);
          case ArrayShape::List:
            break;
        }
        List l;
        l.reserve(j.size());
        for (const auto& item : j) l.push_back(read(item, depth + 1));
        return l;
      }
      case json::value_t::object: {
        if (j.contains("$type")) return tagged(j, depth);
        Map m;
        for (auto it = j.begin(); it != j.end(); ++it)
          m.emplace(it.key(), read(it.value(), depth + 1));
        return m;
      }
      case json::value_t::binary:
      case json::value_t::discarded:
        break;
    }
    fail("unsupported JSON value of type " + typeName(j));
  }
};

}  // namespace

json toJson(const Value& v) { return toJson(v, JsonWriteOptions{}); }

json toJson(const Value& v, const JsonWriteOptions& options) {
  Writer w{options};
  return w.write(v);
}

Value fromJson(const json& j, const std::filesystem::path& base_dir) {
  return Reader{base_dir}.read(j, 1);
}

}  // namespace sciagents::core
