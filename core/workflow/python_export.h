// A workflow as a Python script that rebuilds it step by step with the `sciagents` module
// (docs/python.md) and runs it: `sciagents export-python FILE` and Studio's File ▸ Export as
// Python. The script's params are the steps' params JSON written as Python literals, so
// ast.literal_eval of each gives back exactly that JSON (docs/cli.md, "export-python").
#pragma once

#include "core/workflow/workflow.h"
#include "core/workflow/workflow_json.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace sciagents::core {

struct PythonExportOptions {
  // The workflow file's name, shown in the header ("decay.workflow.json"); empty: not named.
  std::string source;
  // The script's own file name, used in the header's usage line; empty: `source` with .py for
  // .workflow.json, else "workflow.py".
  std::string script;
  // The workflow's description (WorkflowFile), quoted in the header; empty: none.
  std::string description;
  // Step descriptions by step id, written as a comment above each step.
  std::map<std::string, std::string> step_descriptions;
  // The workflow file's JSON as written (null: none). Dict keys are written in its order where it
  // has them (a step's params as the file lists them); other keys sorted.
  nlohmann::ordered_json key_order;
};

// The whole script (UTF-8, '\n' line ends, a final newline).
std::string exportPython(const Workflow& wf, const PythonExportOptions& o = {});
// The same, with the descriptions the file carries (workflow-level and per step) in `o`.
std::string exportPython(const WorkflowFile& file, PythonExportOptions o = {});

// The default name of the exported script: the source file's stem without .workflow.json / .json
// with .py; without a source, the workflow's name made file-safe ("Decay rate" → "Decay_rate.py");
// "workflow.py" when both are empty.
std::string pythonScriptFileName(std::string_view workflow_name, std::string_view source = {});

// Building blocks (public for the tests).
// A Python literal for a JSON value on one line: true/false/null → True/False/None, numbers as
// Python's repr writes them (integers exactly, floats shortest round-trip), strings double-quoted,
// objects as dicts with string keys. Non-finite floats (not JSON) become None, as JSON dumps them.
std::string pythonLiteral(const nlohmann::json& v);
// The same, laid out for reading: what fits in `width` columns from `indent` stays on one line,
// otherwise dicts get one key per line, lists of numbers and strings are filled line by line and
// other lists get one element per line. `indent` is the column of the line the value starts on.
std::string pythonLiteralBlock(const nlohmann::json& v, int indent = 0, int width = 99);
// A double-quoted Python string literal of UTF-8 text: quotes, backslashes and control characters
// escaped, other characters kept as written except the ones that would be invisible or reorder
// the text in an editor (C1 controls, line/paragraph separators, bidi controls, BOM, zero-width),
// which are escaped. Invalid UTF-8 bytes become U+FFFD.
std::string pythonString(std::string_view utf8);
// A float exactly as Python's repr(float) writes it ("0.1", "1e-300", "1.0", "1e+16", "-0.0").
std::string pythonFloat(double d);

}  // namespace sciagents::core
