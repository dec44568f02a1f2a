// Lossless conversion between Value and JSON, plus optional NumPy .npy sidecars for large arrays.
//
// Plain JSON is used wherever it is unambiguous (numbers, strings, bools, null, objects, arrays of
// numbers = vector, arrays of equal-length number arrays = matrix). Everything else is a tagged object
// {"$type": "...", ...}. Non-finite doubles are written as the strings "NaN", "Infinity", "-Infinity"
// (JSON has no literal for them) and read back from those strings inside numeric arrays.
#pragma once

#include "core/value/value.h"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <filesystem>
#include <string>

namespace sciagents::core {

struct JsonWriteOptions {
  // When set, numeric arrays with at least sidecar_min_elements doubles are written to
  // sidecar_dir/<sidecar_prefix><n>.npy and referenced as {"$type":"npy","path":...,"shape":[...]}
  // (path relative to sidecar_dir's parent, i.e. next to the JSON file).
  std::filesystem::path sidecar_dir;
  std::string sidecar_prefix;
  std::size_t sidecar_min_elements = 0;  // 0 = never use sidecars
};

nlohmann::json toJson(const Value& v);
nlohmann::json toJson(const Value& v, const JsonWriteOptions& options);

// Infers the kind from the JSON shape (see above). `base_dir` resolves relative npy paths.
// Throws std::invalid_argument with a message naming the problem on malformed tagged objects.
Value fromJson(const nlohmann::json& j, const std::filesystem::path& base_dir = {});

// Reads/writes a little-endian float64 NumPy array (C order) of 1 or 2 dimensions.
void writeNpy(const std::filesystem::path& file, const double* data, std::size_t rows,
              std::size_t cols, bool is_vector);
Value readNpy(const std::filesystem::path& file);

}  // namespace sciagents::core
