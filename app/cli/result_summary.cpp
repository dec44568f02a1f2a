#include "app/cli/result_summary.h"

#include "core/util/atomic_file.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace sciagents::cli {

namespace {
std::string num(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::string brief(const core::Value& v) {
  using core::ValueKind;
  switch (v.kind()) {
    case ValueKind::Scalar:
    case ValueKind::Integer: return num(v.asDouble());
    case ValueKind::Vector: {
      const auto& x = v.asVector();
      std::string s = "[";
      for (Eigen::Index i = 0; i < x.size() && i < 6; ++i) s += (i ? ", " : "") + num(x[i]);
      if (x.size() > 6) s += ", ... (" + std::to_string(x.size()) + " values)";
      return s + "]";
    }
    case ValueKind::String:
      return "\"" + (v.asString().size() > 240 ? v.asString().substr(0, 237) + "..." : v.asString()) + "\"";
    case ValueKind::Matrix:
      return "matrix " + std::to_string(v.asMatrix().rows()) + "x" + std::to_string(v.asMatrix().cols());
    case ValueKind::SparseMatrix:
      return "sparse matrix " + std::to_string(v.asSparse().rows()) + "x" + std::to_string(v.asSparse().cols()) +
             " (" + std::to_string(v.asSparse().nonZeros()) + " nonzeros)";
    case ValueKind::List: {
      std::string s = "list of " + std::to_string(v.asList().size());
      if (!v.asList().empty() && v.asList().size() <= 4) {
        s += ": ";
        for (std::size_t i = 0; i < v.asList().size(); ++i) s += (i ? "; " : "") + brief(v.asList()[i]);
      }
      return s;
    }
    default: {
      std::string s = core::toJson(v).dump();
      return s.size() > 80 ? std::string(v.kindName()) + " (" + std::to_string(s.size()) + " bytes of JSON)" : s;
    }
  }
}
}  // namespace

void printSummary(std::ostream& out, const core::RunResult& result) {
  out << "workflow " << (result.workflow.empty() ? "(unnamed)" : "'" + result.workflow + "'") << ": "
      << core::stepStatusName(result.status) << " in " << num(result.wall_seconds) << " s\n";
  for (const auto& s : result.steps) {
    out << "\n" << s.id << "  " << s.agent << "." << s.task << "  " << core::stepStatusName(s.status);
    if (s.status == core::StepStatus::Succeeded) out << "  " << num(s.wall_seconds) << " s";
    if (s.cached) out << "  [cached]";
    out << "\n";
    if (auto m = s.diagnostics.find("method"); m != s.diagnostics.end() && m->second.isString()) {
      out << "  method: " << m->second.asString();
      if (auto r = s.diagnostics.find("method_rationale"); r != s.diagnostics.end() && r->second.isString())
        out << " (" << r->second.asString() << ")";
      out << "\n";
    }
    for (const auto& [name, v] : s.outputs) out << "  " << name << " = " << brief(v) << "\n";
    if (auto w = s.diagnostics.find("warnings"); w != s.diagnostics.end() && w->second.kind() == core::ValueKind::List)
      for (const auto& msg : w->second.asList())
        if (msg.isString()) out << "  warning: " << msg.asString() << "\n";
  }
}

bool reportResult(const nlohmann::json& doc, const core::RunResult& result, const std::string& output, bool json,
                  bool quiet) {
  if (!output.empty()) {
    // Atomically (temporary file + rename): a reader never sees half a result (Slurm tasks' files).
    std::string why;
    if (!core::writeFileAtomic(output, doc.dump(1) + "\n", &why)) {
      std::cerr << "error: cannot write result file '" << output << "': " << why << "\n";
      return false;
    }
  }
  if (json) std::cout << doc.dump(2) << "\n";
  else if (!quiet) printSummary(std::cout, result);
  for (const auto& s : result.steps)
    if (!s.error.empty()) std::cerr << "error: " << s.error << "\n";
  return true;
}

}  // namespace sciagents::cli
