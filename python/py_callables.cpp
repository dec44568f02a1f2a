#include "python/py_callables.h"

#include "core/agent/native_function.h"
#include "python/py_values.h"

#include <pybind11/numpy.h>

#include <atomic>
#include <memory>

namespace sciagents::python {

namespace {

// A Python object owned from C++: released with the GIL held, whichever thread drops it last.
struct PyRef {
  py::object obj;
  explicit PyRef(py::object o) : obj(std::move(o)) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() {
    if (!Py_IsInitialized()) {
      obj.release();  // the interpreter is gone: nothing to give back
      return;
    }
    py::gil_scoped_acquire gil;
    obj = py::object();
  }
};

// "ValueError: message" of the Python error now set (then cleared).
std::string currentPythonError() {
  py::error_already_set e;
  std::string type = "error";
  if (e.type()) type = py::str(e.type().attr("__name__")).cast<std::string>();
  std::string message;
  try {
    message = py::str(e.value()).cast<std::string>();
  } catch (const std::exception&) {
  }
  return message.empty() ? type : type + ": " + message;
}

// One sample's result: a number, or a 1-D sequence of numbers.
void storeRow(PyObject* r, core::Matrix& out, Eigen::Index i, Eigen::Index n) {
  if (PyFloat_Check(r) || PyLong_Check(r)) {
    const double y = PyFloat_AsDouble(r);
    if (y == -1.0 && PyErr_Occurred()) throw core::NativeFunctionError(i, currentPythonError());
    if (out.size() == 0) out.resize(n, 1);
    if (out.cols() != 1)
      throw core::NativeFunctionError(i, "returned 1 value after " + std::to_string(out.cols()));
    out(i, 0) = y;
    return;
  }
  core::Matrix row;
  try {
    row = matrixFromPython(py::handle(r), false);
  } catch (const std::exception&) {
    throw core::NativeFunctionError(i, "returned " + std::string(Py_TYPE(r)->tp_name) +
                                           ", not a number or a sequence of numbers");
  }
  if (row.rows() != 1)
    throw core::NativeFunctionError(i, "returned a 2-D array; one sample gives a number or a "
                                       "1-D sequence");
  if (out.size() == 0) out.resize(n, row.cols());
  if (out.cols() != row.cols())
    throw core::NativeFunctionError(i, "returned " + std::to_string(row.cols()) +
                                           " values after " + std::to_string(out.cols()));
  out.row(i) = row.row(0);
}

core::Matrix evaluateScalar(const PyRef& f, const core::Matrix& points) {
  const Eigen::Index n = points.rows(), d = points.cols();
  py::gil_scoped_acquire gil;
  core::Matrix out;
  for (Eigen::Index i = 0; i < n; ++i) {
    py::array_t<double> x(d);
    double* p = x.mutable_data();
    for (Eigen::Index k = 0; k < d; ++k) p[k] = points(i, k);
    PyObject* r = PyObject_CallOneArg(f.obj.ptr(), x.ptr());
    if (!r) throw core::NativeFunctionError(static_cast<std::size_t>(i), currentPythonError());
    try {
      storeRow(r, out, i, n);
    } catch (...) {
      Py_DECREF(r);
      throw;
    }
    Py_DECREF(r);
  }
  if (n == 0) out.resize(0, 1);
  return out;
}

core::Matrix evaluateVectorised(const PyRef& f, const core::Matrix& points) {
  const Eigen::Index n = points.rows(), d = points.cols();
  py::gil_scoped_acquire gil;
  // The samples as a read-only n x d view of the core's (column-major) matrix: no copy.
  const auto s = static_cast<py::ssize_t>(sizeof(double));
  py::array x(py::dtype::of<double>(), {n, d}, {s, s * n}, points.data(), py::none());
  py::detail::array_proxy(x.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  PyObject* r = PyObject_CallOneArg(f.obj.ptr(), x.ptr());
  if (!r) throw core::NativeFunctionError(static_cast<std::size_t>(-1), currentPythonError());
  py::object result = py::reinterpret_steal<py::object>(r);
  core::Matrix out;
  try {
    out = matrixFromPython(result, true);
  } catch (const std::exception&) {
    throw core::NativeFunctionError(static_cast<std::size_t>(-1),
                                    "returned " + std::string(Py_TYPE(r)->tp_name) +
                                        ", not an array of numbers");
  }
  if (out.rows() != n && out.size() == n) out = Eigen::Map<core::Matrix>(out.data(), n, 1);
  if (out.rows() != n)
    throw core::NativeFunctionError(static_cast<std::size_t>(-1),
                                    "returned " + std::to_string(out.rows()) + " rows for " +
                                        std::to_string(n) + " samples (a vectorised function "
                                        "gets an n x d array and returns n values)");
  return out;
}

std::string label(const py::function& f) {
  try {
    return py::str(f.attr("__qualname__")).cast<std::string>();
  } catch (const py::error_already_set&) {
    return py::str(py::type::of(f).attr("__name__")).cast<std::string>();
  }
}

}  // namespace

std::string registerCallable(py::function f, bool vectorized, std::size_t batch_rows) {
  static std::atomic<std::uint64_t> next{1};
  const std::string what = label(f);
  const std::string name = "python:" + std::to_string(next++) + ":" + what;
  auto ref = std::make_shared<PyRef>(std::move(f));
  auto fn = std::make_shared<core::NativeFunction>();
  if (vectorized) {
    fn->evaluate = [ref](const core::Matrix& x) { return evaluateVectorised(*ref, x); };
    fn->batch_rows = batch_rows;  // 0: the engine's default rows per call
  } else {
    fn->evaluate = [ref](const core::Matrix& x) { return evaluateScalar(*ref, x); };
    fn->batch_rows = batch_rows ? batch_rows : 1024;
  }
  fn->description =
      "Python function " + what + (vectorized ? " (vectorised)" : "");
  core::registerNativeFunction(name, std::move(fn));
  return name;
}

void unregisterCallable(const std::string& name) {
  py::gil_scoped_release release;  // the function may be released on this thread: PyRef takes it
  core::unregisterNativeFunction(name);
}

}  // namespace sciagents::python
