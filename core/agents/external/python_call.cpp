#include "core/agents/external/python_call.h"

#include "core/agent/content_key.h"
#include "core/agent/external_paths.h"
#include "core/agent/external_policy.h"
#include "core/agents/external/python_protocol.h"
#include "core/util/child_process.h"
#include "core/util/error.h"
#include "core/util/sha256.h"
#include "core/util/text_format.h"

#if defined(_WIN32)
#include <io.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

namespace sciagents::core::agents::external {

namespace fs = std::filesystem;

namespace {

const Map& inputsOf(const Map& params) {
  static const Map none;
  auto it = params.find("inputs");
  return it == params.end() || it->second.kind() != ValueKind::Map ? none : it->second.asMap();
}

// A number, or a vector of numbers; anything else is refused naming the input.
Value inputValue(const std::string& name, const Value& v) {
  if (v.isNumber() || v.kind() == ValueKind::Bool)
    return v.kind() == ValueKind::Bool ? (v.asBool() ? 1.0 : 0.0) : v.asDouble();
  if (v.kind() == ValueKind::Vector) return v;
  if (v.kind() == ValueKind::List) {
    try {
      return v.toVector();
    } catch (const std::exception&) {
    }
  }
  throw paramError("inputs", "input '" + name + "' is a " + std::string(v.kindName()) +
                                 "; expected a number or a list of numbers");
}

std::string fileHash(const std::string& path) {
  struct Memo {
    std::int64_t size, mtime, ctime;
    std::uint64_t ino;
    std::string hash;
  };
  static std::mutex mutex;
  static std::map<std::string, Memo> memo;
#if defined(__linux__)
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  const Memo now{static_cast<std::int64_t>(st.st_size),
                 static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                 static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec,
                 static_cast<std::uint64_t>(st.st_ino),
                 {}};
#else
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return {};
  const auto mtime = fs::last_write_time(path, ec);
  if (ec) return {};
  const Memo now{static_cast<std::int64_t>(size),
                 static_cast<std::int64_t>(mtime.time_since_epoch().count()),
                 0,
                 0,
                 {}};
#endif
  // A file written in the last two seconds is hashed again: a rewrite within one timestamp tick
  // of a coarse file system keeps size and times.
  const auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const bool recent = since_epoch.count() - now.mtime < 2'000'000'000;
  if (!recent) {
    std::lock_guard lock(mutex);
    auto it = memo.find(path);
    if (it != memo.end() && it->second.size == now.size && it->second.mtime == now.mtime &&
        it->second.ctime == now.ctime && it->second.ino == now.ino)
      return it->second.hash;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream body;
  body << in.rdbuf();
  Memo m = now;
  m.hash = sha256Hex(body.str());
  std::lock_guard lock(mutex);
  memo[path] = m;
  return m.hash;
}

bool executable(const std::string& file) {
#if defined(_WIN32)
  return ::_access(file.c_str(), 0) == 0;
#else
  return ::access(file.c_str(), X_OK) == 0;
#endif
}

std::string findInterpreter(const std::string& given) {
  if (given.find('/') != std::string::npos) return given;
  const std::string found = findInPath(given);
  return found.empty() ? given : found;
}

std::vector<std::string> workerEnvironment(const ExternalPolicy* policy) {
  const std::vector<std::string> allow =
      policy && !policy->env_allow.empty() ? policy->env_allow : defaultEnvironmentAllowList();
  std::vector<std::string> env;
  std::map<std::string, bool> has;
  for (const auto& name : allow)
    if (const char* v = std::getenv(name.c_str())) {
      env.push_back(name + "=" + v);
      has[name] = true;
    }
  // One worker per engine thread: keep each single-threaded unless the user said otherwise, and
  // leave no bytecode files next to the user's module.
  for (const char* name : {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"})
    if (!has.count(name)) env.push_back(std::string(name) + "=1");
  env.push_back("PYTHONDONTWRITEBYTECODE=1");
  return env;
}

double lowestLimit(double a, double b) {
  if (a <= 0) return b > 0 ? b : 0.0;
  return b > 0 ? std::min(a, b) : a;
}

}  // namespace

PythonCall preparePythonCall(const TaskContext& ctx) {
  const ExternalPolicy* policy = ctx.externalPolicy();
  if (policy && !policy->enabled)
    throw paramError(
        "module",
        "external steps are disabled here" +
            (policy->disabled_reason.empty() ? std::string() : ": " + policy->disabled_reason));
  PythonCall c;
  const std::string& module = ctx.text("module");
  const ExternalPath where = resolveExternalPath(policy, ctx.baseDir(), module);
  std::error_code ec;
  const fs::path real = fs::canonical(where.resolved, ec);
  if (ec || !fs::is_regular_file(real))
    throw paramError("module", "'" + module + "' is not a readable file (looked for " +
                                   where.resolved.string() + ")");
  if (!where.problem.empty()) throw paramError("module", where.problem);
  const std::string hash = fileHash(real.string());
  if (hash.empty()) throw paramError("module", "'" + module + "' cannot be read");

  std::string default_python = "/usr/bin/python3";
  if (const char* env = std::getenv("SCIAGENTS_PYTHON"); env && *env) default_python = env;
  const std::string python =
      ctx.has("python") && !ctx.text("python").empty() ? ctx.text("python") : default_python;
  const std::string exe = findInterpreter(python);
  if (!executable(exe))
    throw paramError("python", "interpreter '" + python + "' is not an executable file");
  // Under allowed roots (a server) another interpreter than the default is a program of the
  // user's choosing: it must lie inside the roots like any external program.
  if (python != default_python)
    if (const ExternalPath p = resolveExternalPath(policy, ctx.baseDir(), exe); !p.problem.empty())
      throw paramError("python", p.problem);

  c.spec.python = exe;
  c.spec.module = real.string();
  c.spec.function = ctx.text("function");
  if (c.spec.function.empty()) throw paramError("function", "the function name is empty");
  c.spec.env = workerEnvironment(policy);
  c.spec.memory_mb = lowestLimit(ctx.number("memory_mb"), policy ? policy->memory_mb : 0.0);
  c.spec.cpu_s = policy ? policy->cpu_time_s : 0.0;
  c.timeout_s = lowestLimit(ctx.number("timeout_s"), policy ? policy->wall_time_s : 0.0);
  c.vectorized = ctx.flag("vectorized");
  c.nan_on_failure = ctx.text("on_failure") == "nan";
  if (ctx.has("outputs")) c.outputs = ctx.param("outputs").toStringList();
  for (const auto& [name, v] : inputsOf(ctx.params()))
    inputValue(name, v);  // checks every input now

  Sha256 key;
  key.update("python-worker-v1\n" + c.spec.python + "\n" + c.spec.module + "\n" + hash + "\n" +
             c.spec.function + "\n" + formatPrecise(c.spec.memory_mb) + "\n" +
             formatPrecise(c.spec.cpu_s) + "\n");
  for (const auto& e : c.spec.env) key.update(e + "\n");
  c.spec.key = key.hexDigest();
  c.label = "function '" + c.spec.function + "' of " + c.spec.module;
  return c;
}

std::string moduleContentKey(const Map& params) {
  auto it = params.find("module");
  if (it == params.end() || !it->second.isString()) return {};
  const std::string& module = it->second.asString();
  // A relative module resolves against the run's base folder, which the engine hands over with
  // the params (core/agent/content_key.h). When it cannot be read, the key is unique, so the
  // result is never taken from the cache for a module whose content could not be hashed.
  std::string base;
  if (auto b = params.find(std::string(kContentKeyBaseDir));
      b != params.end() && b->second.isString())
    base = b->second.asString();
  std::error_code ec;
  const fs::path real = fs::canonical(resolveExternalPath(nullptr, base, module).resolved, ec);
  const std::string hash = ec ? std::string() : fileHash(real.string());
  if (!hash.empty()) return "python-module\n" + real.string() + "\n" + hash;
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t salt = std::random_device{}();
  return "python-module-unreadable\n" + std::to_string(salt) + "-" + std::to_string(counter++);
}

std::string describeInputs(const Map& params) {
  std::string out;
  for (const auto& [name, v] : inputsOf(params)) {
    out += (out.empty() ? "" : ", ") + name + "=";
    if (v.isNumber()) {
      out += formatPrecise(v.asDouble());
    } else if (v.kind() == ValueKind::Vector) {
      out += "[" + std::to_string(v.asVector().size()) + " values]";
    } else {
      out += std::string(v.kindName());
    }
  }
  return out;
}

std::string scalarFrame(const Map& params) {
  const Map& in = inputsOf(params);
  CallFrameWriter w(static_cast<std::uint32_t>(in.size()));
  for (const auto& [name, raw] : in) {
    const Value v = inputValue(name, raw);
    if (v.isNumber()) {
      w.number(name, v.asDouble());
    } else {
      const Vector& x = v.asVector();
      w.array(name, x.data(), static_cast<std::size_t>(x.size()));
    }
  }
  return w.finish();
}

std::string vectorFrame(const std::vector<Map>& sets, std::size_t begin, std::size_t end,
                        SharedArrays* shared) {
  const Map& first = inputsOf(sets.at(begin));
  const auto count = static_cast<Eigen::Index>(end - begin);
  // One column block per input (width 0: a number per point), filled in one pass over the sets;
  // every set's inputs map has the same keys in the same (sorted) order.
  std::vector<Eigen::Index> widths;
  std::vector<Matrix> rows;
  for (const auto& [name, raw] : first) {
    const Value v0 = inputValue(name, raw);
    widths.push_back(v0.isNumber() ? 0 : v0.asVector().size());
    rows.emplace_back(count, std::max<Eigen::Index>(widths.back(), 1));
  }
  for (std::size_t k = begin; k < end; ++k) {
    const Map& in = inputsOf(sets[k]);
    if (in.size() != first.size())
      throw paramError("inputs",
                       "param set #" + std::to_string(k) + " has other inputs than the first");
    const auto r = static_cast<Eigen::Index>(k - begin);
    std::size_t j = 0;
    auto f = first.begin();
    for (auto it = in.begin(); it != in.end(); ++it, ++f, ++j) {
      if (it->first != f->first)
        throw paramError("inputs", "param set #" + std::to_string(k) + " has input '" + it->first +
                                       "' where the first has '" + f->first + "'");
      const Value& v = it->second;
      if (widths[j] == 0 && v.kind() == ValueKind::Scalar) {
        rows[j](r, 0) = v.asDouble();  // the common case, without a copy
        continue;
      }
      const Value x = inputValue(it->first, v);
      if (widths[j] == 0 && x.isNumber()) {
        rows[j](r, 0) = x.asDouble();
      } else if (widths[j] > 0 && !x.isNumber() && x.asVector().size() == widths[j]) {
        rows[j].row(r) = x.asVector().transpose();
      } else {
        throw paramError("inputs", "input '" + it->first + "' changes shape within a batch");
      }
    }
  }
  CallFrameWriter w(static_cast<std::uint32_t>(first.size()), shared);
  std::size_t j = 0;
  for (auto f = first.begin(); f != first.end(); ++f, ++j) {
    if (widths[j] == 0) {
      w.array(f->first, rows[j].data(), static_cast<std::size_t>(count));
    } else {
      w.matrix(f->first, rows[j]);
    }
  }
  w.offerResult(static_cast<std::size_t>(count));  // one value per point, the common case
  return w.finish();
}

namespace {

std::string shape(const Value& v) {
  if (v.isNumber()) return "a number";
  if (v.kind() == ValueKind::Vector)
    return "a list of " + std::to_string(v.asVector().size()) + " numbers";
  if (v.kind() == ValueKind::Matrix)
    return "a " + std::to_string(v.asMatrix().rows()) + "x" + std::to_string(v.asMatrix().cols()) +
           " array";
  return "a dict";
}

Value row(const Value& v, Eigen::Index r, std::size_t count, const std::string& what) {
  const auto n = static_cast<Eigen::Index>(count);
  if (v.kind() == ValueKind::Vector && v.asVector().size() == n) return v.asVector()[r];
  if (v.kind() == ValueKind::Matrix && v.asMatrix().rows() == n)
    return Vector(v.asMatrix().row(r).transpose());
  if (v.isNumber() && n == 1) return v;
  throw std::runtime_error("the vectorised function returned " + shape(v) + what +
                           " for a batch of " + std::to_string(count) +
                           " points; expected one value (or one row) per point");
}

}  // namespace

Map sampleOutputs(const Value& v, const std::vector<std::string>& names) {
  const std::string one = names.empty() ? "y" : names[0];
  if (v.kind() == ValueKind::Map) {
    const Map& m = v.asMap();
    if (names.empty()) return m;
    Map out;
    for (const auto& n : names) {
      auto it = m.find(n);
      if (it == m.end()) {
        std::string keys;
        for (const auto& [k, x] : m) keys += (keys.empty() ? "" : ", ") + k;
        throw std::runtime_error("the returned dict has no '" + n + "' (keys: " + keys + ")");
      }
      out[n] = it->second;
    }
    return out;
  }
  if (names.size() <= 1) return Map{{one, v}};
  if (v.kind() == ValueKind::Vector &&
      v.asVector().size() == static_cast<Eigen::Index>(names.size())) {
    Map out;
    for (std::size_t k = 0; k < names.size(); ++k)
      out[names[k]] = v.asVector()[static_cast<Eigen::Index>(k)];
    return out;
  }
  throw std::runtime_error("the function returned " + shape(v) + " but `outputs` names " +
                           std::to_string(names.size()) + " values");
}

std::vector<Map> blockOutputs(const Value& v, std::size_t count,
                              const std::vector<std::string>& names) {
  std::vector<Map> out(count);
  if (v.kind() == ValueKind::Vector && names.size() <= 1 &&
      v.asVector().size() == static_cast<Eigen::Index>(count)) {
    const std::string& name = names.empty() ? std::string("y") : names[0];
    const Vector& y = v.asVector();
    for (std::size_t k = 0; k < count; ++k) out[k].emplace(name, y[static_cast<Eigen::Index>(k)]);
    return out;  // the common case: one number per point
  }
  for (std::size_t k = 0; k < count; ++k) {
    const auto r = static_cast<Eigen::Index>(k);
    if (v.kind() == ValueKind::Map) {
      Map m;
      for (const auto& [name, x] : v.asMap()) m[name] = row(x, r, count, " for '" + name + "'");
      out[k] = sampleOutputs(Value(std::move(m)), names);
    } else {
      out[k] = sampleOutputs(row(v, r, count, ""), names);
    }
  }
  return out;
}

Map nanOutputs(const Map* like, const std::vector<std::string>& names) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Map out;
  if (like) {
    for (const auto& [name, v] : *like) {
      if (v.kind() == ValueKind::Vector) {
        out[name] = Vector(Vector::Constant(v.asVector().size(), nan));
      } else if (v.kind() == ValueKind::Matrix) {
        out[name] = Matrix(Matrix::Constant(v.asMatrix().rows(), v.asMatrix().cols(), nan));
      } else {
        out[name] = nan;
      }
    }
    return out;
  }
  if (names.empty()) return Map{{"y", nan}};
  for (const auto& n : names) out[n] = nan;
  return out;
}

}  // namespace sciagents::core::agents::external
