// Contract between the engine and TaskSpec::content_key: the params map handed to content_key
// carries one extra entry under this key, the run's base folder (RunOptions::base_dir, the
// workflow file's folder; "" for the current directory), so relative file paths resolve exactly
// as TaskContext::baseDir() resolves them at run time. It is not a parameter and never reaches run.
#pragma once

#include <string_view>

namespace sciagents::core {

inline constexpr std::string_view kContentKeyBaseDir = "$base_dir";

}  // namespace sciagents::core
