// sciagents feedback export: the feedback a server stored, as JSON or CSV (docs/feedback.md).
#include "app/cli/commands.h"
#include "app/cli/serve_options.h"

#include "core/feedback/feedback_export.h"
#include "core/store/feedback_store.h"
#include "core/util/safe_file_write.h"

#include <iostream>

namespace sciagents::cli {

int feedbackCommand(const CliOptions& o) {
  if (o.positional.size() != 1 || o.positional[0] != "export") {
    std::cerr << "error: expected `sciagents feedback export [--format csv|json] [--data-dir DIR] "
                 "[-o FILE]`\n";
    return kInvalid;
  }
  std::string format = "json";
  for (const auto& [k, v] : o.extra) {
    if (k != "--format") {
      std::cerr << "error: feedback export does not take " << k << "\n";
      return kInvalid;
    }
    format = v;
  }
  if (format != "csv" && format != "json") {
    std::cerr << "error: --format expects csv or json, got '" << format << "'\n";
    return kInvalid;
  }
  std::string data_dir;
  try {
    data_dir = resolveDataDir(o);
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.message << "\n";
    return kInvalid;
  }
  const auto db = std::filesystem::path(data_dir) / "sciagents.db";
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) {
    std::cerr << "error: --data-dir " << data_dir << ": no server store (" << db.string()
              << " does not exist)\n";
    return kInvalid;
  }
  if (o.output != "-" && !o.output.empty()) {
    if (const std::string why = core::outputTargetProblem(o.output); !why.empty()) {
      std::cerr << "error: -o " << o.output << ": " << why << " (use -o - for standard output)\n";
      return kInvalid;
    }
  }
  core::store::FeedbackStore store(db);
  const auto records = store.all();
  const std::string text =
      format == "csv" ? core::feedback::exportCsv(records) : core::feedback::exportJson(records);
  if (o.output.empty() || o.output == "-") {
    std::cout << text;
  } else {
    std::string err;
    if (!core::writeFileSafely(o.output, text, &err)) {
      std::cerr << "error: -o " << o.output << ": " << err << "\n";
      return kRunFailed;
    }
    std::cerr << "exported " << records.size() << " item(s) to " << o.output << "\n";
  }
  return kOk;
}

}  // namespace sciagents::cli
