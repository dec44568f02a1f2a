// Where the files of an external model are: the program (a path relative to the workflow's folder
// when it contains '/', otherwise looked up in PATH), templates and extra files; whether the run's
// policy lets them be used (inside its allowed roots, after symlinks); their SHA-256.
#pragma once

#include "core/agents/external/command_spec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace sciagents::core {
struct ExternalPolicy;
}

namespace sciagents::core::agents::external {

struct ResolvedFiles {
  std::filesystem::path program;                        // canonical (symlinks resolved)
  std::vector<std::filesystem::path> templates, files;  // canonical, in spec order
};

// Resolves and checks every file the spec names. Errors are paramErrors naming the parameter
// ("command[0]", "templates[1]", "files[0]") and the path as written and as resolved.
// `policy` may be nullptr (no roots).
ResolvedFiles resolveFiles(const CommandSpec& spec, const std::string& base_dir,
                           const ExternalPolicy* policy);

// Hex SHA-256 of a file's content; throws std::runtime_error when it cannot be read. Remembered
// per path while the file's identity (inode, size, times) is unchanged (see command_paths.cpp).
std::string fileSha256(const std::filesystem::path& file);

}  // namespace sciagents::core::agents::external
