#include "app/cli/result_summary.h"

#include "core/util/safe_file_write.h"
#include "core/util/terminal_text.h"
#include "core/util/text_format.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>

namespace sciagents::cli {

namespace {
// Names and strings come from the workflow file or a server: printed escaped.

std::string brief(const core::Value& v) {
  using core::ValueKind;
  switch (v.kind()) {
    case ValueKind::Scalar:
    case ValueKind::Integer:
      return core::formatPrecise(v.asDouble());
    case ValueKind::Vector: {
      const auto& x = v.asVector();
      std::string s = "[";
      for (Eigen::Index i = 0; i < x.size() && i < 6; ++i)
        s += (i ? ", " : "") + core::formatPrecise(x[i]);
      if (x.size() > 6) s += ", ... (" + std::to_string(x.size()) + " values)";
      return s + "]";
    }
    case ValueKind::String:
      return "\"" +
             core::terminalSafe(v.asString().size() > 240 ? v.asString().substr(0, 237) + "..."
                                                          : v.asString()) +
             "\"";
    case ValueKind::Matrix:
      return "matrix " + std::to_string(v.asMatrix().rows()) + "x" +
             std::to_string(v.asMatrix().cols());
    case ValueKind::SparseMatrix:
      return "sparse matrix " + std::to_string(v.asSparse().rows()) + "x" +
             std::to_string(v.asSparse().cols()) + " (" + std::to_string(v.asSparse().nonZeros()) +
             " nonzeros)";
    case ValueKind::List: {
      std::string s = "list of " + std::to_string(v.asList().size());
      if (!v.asList().empty() && v.asList().size() <= 4) {
        s += ": ";
        for (std::size_t i = 0; i < v.asList().size(); ++i)
          s += (i ? "; " : "") + brief(v.asList()[i]);
      }
      return s;
    }
    default: {
      std::string s = core::toJson(v).dump();
      return s.size() > 80
                 ? std::string(v.kindName()) + " (" + std::to_string(s.size()) + " bytes of JSON)"
                 : core::terminalSafe(s);
    }
  }
}
}  // namespace

void printSummary(std::ostream& out, const core::RunResult& result) {
  out << "workflow "
      << (result.workflow.empty() ? "(unnamed)" : "'" + core::terminalSafe(result.workflow) + "'")
      << ": " << core::stepStatusName(result.status) << " in "
      << core::formatPrecise(result.wall_seconds) << " s\n";
  for (const auto& s : result.steps) {
    out << "\n"
        << core::terminalSafe(s.id) << "  " << core::terminalSafe(s.agent) << "."
        << core::terminalSafe(s.task) << "  " << core::stepStatusName(s.status);
    if (s.status == core::StepStatus::Succeeded)
      out << "  " << core::formatPrecise(s.wall_seconds) << " s";
    if (s.cached) out << "  [cached]";
    out << "\n";
    if (auto m = s.diagnostics.find("method"); m != s.diagnostics.end() && m->second.isString()) {
      out << "  method: " << core::terminalSafe(m->second.asString());
      if (auto r = s.diagnostics.find("method_rationale");
          r != s.diagnostics.end() && r->second.isString())
        out << " (" << core::terminalSafe(r->second.asString()) << ")";
      out << "\n";
    }
    for (const auto& [name, v] : s.outputs)
      out << "  " << core::terminalSafe(name) << " = " << brief(v) << "\n";
    if (auto w = s.diagnostics.find("warnings");
        w != s.diagnostics.end() && w->second.kind() == core::ValueKind::List)
      for (const auto& msg : w->second.asList())
        if (msg.isString()) out << "  warning: " << core::terminalSafe(msg.asString()) << "\n";
  }
}

bool outputTargetUsable(const std::string& output) {
  if (output.empty() || output == "-") return true;
  const std::string why = core::outputTargetProblem(output);
  if (why.empty()) return true;
  std::cerr << "error: -o " << core::terminalSafe(output) << ": " << why
            << " (use -o - to write to standard output)\n";
  return false;
}

bool reportResult(const nlohmann::json& doc, const core::RunResult& result,
                  const std::string& output, bool json, bool quiet) {
  const bool to_stdout = output == "-";
  if (to_stdout) {
    std::cout << doc.dump(1) << "\n";
  } else if (!output.empty()) {
    // A new file renamed into place: a reader never sees half a result (Slurm tasks' files), and
    // the name cannot redirect the write (core/util/safe_file_write.h).
    std::string why;
    if (!core::writeFileSafely(output, doc.dump(1) + "\n", &why)) {
      std::cerr << "error: cannot write result file '" << core::terminalSafe(output) << "': " << why
                << "\n";
      return false;
    }
  }
  if (json && !to_stdout)
    std::cout << doc.dump(2) << "\n";
  else if (!quiet && !to_stdout)
    printSummary(std::cout, result);
  for (const auto& s : result.steps)
    if (!s.error.empty()) std::cerr << "error: " << core::terminalSafe(s.error, true) << "\n";
  return true;
}

}  // namespace sciagents::cli
