// `sciagents report RESULT -o REPORT.html`: one self-contained HTML page of a run
// (core/report/html_report.h, docs/report.md).
#include "app/cli/commands.h"

#include "core/report/html_report.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/terminal_text.h"
#include "core/workflow/run_result_reader.h"

#include <filesystem>
#include <iostream>

namespace sciagents::cli {

int reportCommand(const CliOptions& o) {
  if (o.positional.size() != 1) {
    std::cerr << "error: report expects one result file\n\n" << commandHelp("report");
    return kInvalid;
  }
  const std::string file = o.positional[0];
  std::string out = o.output;
  if (out.empty()) {
    std::filesystem::path p(file);
    p.replace_extension(".html");
    out = p.string();
  }
  core::RunResult result;
  try {
    result = core::readRunResultFile(file);
  } catch (const core::Error& e) {
    std::cerr << "error: " << core::terminalSafe(e.what()) << "\n";
    return kInvalid;
  }
  core::report::ReportOptions ro;
  ro.source_file = std::filesystem::path(file).filename().string();
  const std::string html = core::report::htmlReport(result, ro);
  if (out == "-") {
    std::cout << html;
    return kOk;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(out, ec)) {
    std::cerr << "error: cannot write report '" << core::terminalSafe(out)
              << "': it is a directory\n";
    return kInvalid;
  }
  std::string why;
  if (!core::writeFileAtomic(out, html, &why)) {
    std::cerr << "error: cannot write report '" << core::terminalSafe(out) << "': " << why << "\n";
    return kRunFailed;
  }
  if (!o.quiet) std::cout << "wrote " << core::terminalSafe(out) << "\n";
  return kOk;
}

}  // namespace sciagents::cli
