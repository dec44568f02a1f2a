// Whole-file writes that a concurrent reader (another process, a shared filesystem) sees either not
// at all or complete: result files of every run, Slurm task status files, the Slurm job directory.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace sciagents::core {

// Writes `text` to `file` through writeFileSafely (a new temporary file with a random name, then
// rename(); no fsync). Returns false with `error` on failure.
bool writeFileAtomic(const std::filesystem::path& file, const std::string& text,
                     std::string* error = nullptr);

// Parses a JSON file; nullopt when missing or not (yet) valid JSON.
std::optional<nlohmann::json> readJsonFile(const std::filesystem::path& file);

}  // namespace sciagents::core
