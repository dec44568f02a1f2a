// `sciagents export-python FILE [-o OUT.py]`: the workflow as a Python script that rebuilds and
// runs it with the `sciagents` module (core/workflow/python_export.h, docs/python.md).
#include "app/cli/commands.h"

#include "app/cli/workflow_loader.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"
#include "core/util/terminal_text.h"
#include "core/workflow/python_export.h"
#include "core/workflow/workflow_json.h"

#include <filesystem>
#include <iostream>

namespace sciagents::cli {

int exportPythonCommand(const CliOptions& o, const core::AgentRegistry& registry) {
  if (o.positional.size() != 1) {
    std::cerr << "error: export-python expects one workflow file\n\n"
              << commandHelp("export-python");
    return kInvalid;
  }
  const std::string& file = o.positional[0];
  core::Workflow workflow;
  const auto issues = workflowIssues(file, o.sets, registry, &workflow);
  if (!issues.empty()) {
    printIssues(file, issues);
    return kInvalid;
  }
  // The descriptions the file carries go into the script's header and comments; the steps are
  // the workflow as validated (with the --set overrides).
  // Dict keys are written in the file's order.
  core::WorkflowFile doc;
  core::PythonExportOptions po;
  try {
    const std::string text = readWorkflowFile(file);
    doc = core::parseWorkflowFile(text);
    po.key_order = nlohmann::ordered_json::parse(text);
  } catch (const core::Error& e) {  // the file changed since it was validated
    std::cerr << "error: " << core::terminalSafe(e.what()) << "\n";
    return kInvalid;
  }
  doc.workflow = std::move(workflow);
  const std::string out = o.output;
  po.source = std::filesystem::path(file).filename().string();
  if (!out.empty() && out != "-") po.script = std::filesystem::path(out).filename().string();
  const std::string script = core::exportPython(doc, po);
  if (out.empty() || out == "-") {
    std::cout << script;
    return kOk;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(out, ec)) {
    std::cerr << "error: cannot write script '" << core::terminalSafe(out)
              << "': it is a directory\n";
    return kInvalid;
  }
  std::string why;
  if (!core::writeFileAtomic(out, script, &why)) {
    std::cerr << "error: cannot write script '" << core::terminalSafe(out) << "': " << why << "\n";
    return kRunFailed;
  }
  if (!o.quiet) std::cout << "wrote " << core::terminalSafe(out) << "\n";
  return kOk;
}

}  // namespace sciagents::cli
