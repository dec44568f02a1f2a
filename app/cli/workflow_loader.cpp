#include "app/cli/workflow_loader.h"

#include "core/util/error.h"
#include "core/workflow/param_path.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sciagents::cli {

using core::Error;
using core::ErrorCode;

namespace {
// STEP.PARAM=VALUE with VALUE as JSON when it parses, else as a string. STEP.PARAM is one path
// (core/workflow/param_path.h): "s.constants.k", "s.b[1]" (element 1 of the list b).
void applySet(core::Workflow& w, const std::string& set) {
  const auto eq = set.find('=');
  const auto dot = set.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw Error(ErrorCode::InvalidInput, "--set expects STEP.PARAM=VALUE, got '" + set + "'");
  const std::string raw = set.substr(eq + 1);
  nlohmann::json value = nlohmann::json::parse(raw, nullptr, false);
  if (value.is_discarded()) value = raw;
  core::setStepParam(w, set.substr(0, eq), std::move(value), "--set " + set);
}
}  // namespace

std::uint64_t maxWorkflowFileBytes() {
  if (const char* v = std::getenv("SCIAGENTS_MAX_WORKFLOW_BYTES"); v && *v) {
    char* end = nullptr;
    const auto n = std::strtoull(v, &end, 10);
    if (end && *end == '\0' && n > 0) return n;
  }
  return kDefaultMaxWorkflowFileBytes;
}

std::string readWorkflowFile(const std::string& file) {
  const std::uint64_t limit = maxWorkflowFileBytes();
  auto tooLarge = [&](const std::string& size) {
    return Error(ErrorCode::InvalidInput, "workflow file '" + file + "' is " + size +
                                              " bytes; the limit is " + std::to_string(limit) +
                                              " bytes (SCIAGENTS_MAX_WORKFLOW_BYTES)");
  };
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) {
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > limit) throw tooLarge(std::to_string(size));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::InvalidInput, "cannot read workflow file '" + file + "'");
  // Read in pieces up to the limit: a pipe or a file that grows cannot make us hold more.
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) throw tooLarge("more than " + std::to_string(limit));
  }
  return text;
}

core::Workflow loadWorkflow(const std::string& file, const std::vector<std::string>& sets) {
  core::Workflow w = core::parseWorkflow(readWorkflowFile(file));
  for (const auto& s : sets) applySet(w, s);
  return w;
}

}  // namespace sciagents::cli
