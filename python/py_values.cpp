#include "python/py_values.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

namespace sciagents::python {

namespace {

// A read-only view of `data` kept alive by a copy of `owner` (the Value shares the core's buffer).
py::array view(const core::Value& owner, const double* data, std::vector<py::ssize_t> shape,
               std::vector<py::ssize_t> strides) {
  auto* keep = new core::Value(owner);
  py::capsule base(keep, [](void* p) { delete static_cast<core::Value*>(p); });
  py::array a(py::dtype::of<double>(), std::move(shape), std::move(strides), data, base);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

py::array vectorArray(const core::Value& owner, const core::Vector& v) {
  return view(owner, v.data(), {static_cast<py::ssize_t>(v.size())},
              {static_cast<py::ssize_t>(sizeof(double))});
}

py::array copyVector(const core::Vector& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.data(), v.data() + v.size(), a.mutable_data());
  return a;
}

py::array copyMatrix(const core::Matrix& m) {
  py::array_t<double> a({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto r = a.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) r(i, j) = m(i, j);
  return a;
}

}  // namespace

py::object toPython(const core::Map& m) {
  py::dict d;
  for (const auto& [k, v] : m) d[py::str(k)] = toPython(v);
  return d;
}

py::object toPython(const core::Value& v) {
  using K = core::ValueKind;
  switch (v.kind()) {
    case K::Null:
      return py::none();
    case K::Bool:
      return py::bool_(v.asBool());
    case K::Integer:
      return py::int_(v.asInt());
    case K::Scalar:
      return py::float_(v.asDouble());
    case K::String:
      return py::str(v.asString());
    case K::Vector:
      return vectorArray(v, v.asVector());
    case K::Matrix: {
      const core::Matrix& m = v.asMatrix();  // column-major: a Fortran-ordered view
      const auto d = static_cast<py::ssize_t>(sizeof(double));
      return view(v, m.data(), {m.rows(), m.cols()}, {d, d * m.rows()});
    }
    case K::SparseMatrix: {
      const core::SparseMatrix& s = v.asSparse();
      core::SparseMatrix c = s;
      c.makeCompressed();
      std::vector<double> data(c.valuePtr(), c.valuePtr() + c.nonZeros());
      std::vector<long> indices(c.innerIndexPtr(), c.innerIndexPtr() + c.nonZeros());
      std::vector<long> indptr(c.outerIndexPtr(), c.outerIndexPtr() + c.outerSize() + 1);
      py::tuple shape = py::make_tuple(c.rows(), c.cols());
      try {
        auto sparse = py::module_::import("scipy.sparse");
        return sparse.attr("csc_matrix")(
            py::make_tuple(py::array(py::cast(data)), py::array(py::cast(indices)),
                           py::array(py::cast(indptr))),
            py::arg("shape") = shape);
      } catch (const py::error_already_set&) {  // no SciPy: the CSC arrays
        py::dict d;
        d["format"] = "csc";
        d["shape"] = shape;
        d["data"] = py::array(py::cast(data));
        d["indices"] = py::array(py::cast(indices));
        d["indptr"] = py::array(py::cast(indptr));
        return d;
      }
    }
    case K::GridField: {
      const core::GridField& g = v.asGrid();
      py::dict d;
      py::list axes;
      for (const auto& a : g.axes) axes.append(copyVector(a));
      d["axes"] = axes;
      d["axis_names"] = py::cast(g.axis_names);
      d["values"] = vectorArray(v, g.values);
      return d;
    }
    case K::TimeSeries: {
      const core::TimeSeries& t = v.asTimeSeries();
      py::dict d;
      d["t"] = vectorArray(v, t.t);
      d["values"] = copyMatrix(t.values);
      d["names"] = py::cast(t.names);
      return d;
    }
    case K::Table: {
      const core::Table& t = v.asTable();
      py::dict d;
      for (std::size_t i = 0; i < t.columns.size() && i < t.data.size(); ++i)
        d[py::str(t.columns[i])] = toPython(t.data[i]);
      return d;
    }
    case K::List: {
      py::list l;
      for (const auto& e : v.asList()) l.append(toPython(e));
      return l;
    }
    case K::Map:
      return toPython(v.asMap());
  }
  return py::none();
}

py::object jsonToPython(const nlohmann::json& j) {
  using T = nlohmann::json::value_t;
  switch (j.type()) {
    case T::null:
    case T::discarded:
      return py::none();
    case T::boolean:
      return py::bool_(j.get<bool>());
    case T::number_integer:
      return py::int_(j.get<std::int64_t>());
    case T::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case T::number_float:
      return py::float_(j.get<double>());
    case T::string:
      return py::str(j.get_ref<const std::string&>());
    case T::array: {
      py::list l;
      for (const auto& e : j) l.append(jsonToPython(e));
      return l;
    }
    case T::object: {
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = jsonToPython(it.value());
      return d;
    }
    case T::binary:
      return py::none();
  }
  return py::none();
}

core::Matrix matrixFromPython(const py::handle& h, bool one_column) {
  auto a = py::array_t<double, py::array::forcecast>::ensure(h);
  if (!a) throw std::runtime_error("expected numbers (an array or a sequence of numbers)");
  if (a.ndim() == 0) {
    core::Matrix m(1, 1);
    m(0, 0) = *a.data();
    return m;
  }
  if (a.ndim() == 1) {
    const auto n = static_cast<Eigen::Index>(a.shape(0));
    core::Matrix m = one_column ? core::Matrix(n, 1) : core::Matrix(1, n);
    auto r = a.unchecked<1>();
    for (Eigen::Index i = 0; i < n; ++i) m.data()[i] = r(i);
    return m;
  }
  if (a.ndim() != 2)
    throw std::runtime_error("expected a 1-D or 2-D array, got " + std::to_string(a.ndim()) +
                             " dimensions");
  core::Matrix m(a.shape(0), a.shape(1));
  auto r = a.unchecked<2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = r(i, j);
  return m;
}

}  // namespace sciagents::python
