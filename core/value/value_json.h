// Lossless conversion between Value and JSON, plus optional NumPy .npy sidecars for large arrays.
//
// Plain JSON is used wherever it is unambiguous (numbers, strings, bools, null, objects, arrays of
// numbers = vector, arrays of equal-length number arrays = matrix). Everything else is a tagged
// object
// {"$type": "...", ...}. Non-finite doubles are written as the strings "NaN", "Infinity",
// "-Infinity" (JSON has no literal for them) and read back from those strings inside numeric
// arrays.
//
// Plain shapes, as read by fromJson:
//   number with a fraction/exponent -> Scalar (nlohmann writes 3.0 as "3.0", so a Scalar holding an
//   integral value stays a Scalar); integer -> Integer; [] and arrays of numbers (or of the three
//   non-finite strings) -> Vector; a non-empty array of equal-length numeric arrays -> Matrix
//   (row-major); any other array -> List; object without "$type" -> Map.
// Tagged objects ("$type"):
//   "float"          {"value": "NaN"|"Infinity"|"-Infinity"|number}   non-finite Scalar
//   "list"           {"items": [...]}          a List whose plain array would read as Vector/Matrix
//   "map"            {"entries": {...}}        a Map that has its own "$type" key
//   "matrix"         {"shape": [r, c], "values": [row-major]}   matrices with 0 rows
//   "sparse_matrix"  {"rows", "cols", "i": [row indices], "j": [col indices], "values": [...]}
//                    (triplets; every stored entry, duplicates on input are summed)
//   "grid_field"     {"axes": [[...]...], "axis_names": [...], "shape": [n1, ...], "values": [flat,
//                    row-major, last axis fastest]}
//   "time_series"    {"t": [...], "values": [[row]...] (n x m), "names": [...]}
//   "table"          {"columns": [names], "data": [one Value per column]}
//   "npy"            {"path": "dir/file.npy", "shape": [n] | [r, c], "dtype": "<f8"}; may stand
//                    wherever a numeric array is expected.
// fromJson never crashes on hostile input: nesting deeper than 128 levels, malformed tags and npy
// paths that are absolute, contain "..", or come without a base_dir throw std::invalid_argument.
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
// writeNpy takes `data` in Eigen's column-major layout (rows x cols; is_vector needs cols == 1) and
// stores it in C order. readNpy returns a Vector for shape (n,) and a Matrix for (r, c) (also
// accepts fortran_order True and format versions 2/3), throwing std::invalid_argument on bad files.
void writeNpy(const std::filesystem::path& file, const double* data, std::size_t rows,
              std::size_t cols, bool is_vector);
Value readNpy(const std::filesystem::path& file);

}  // namespace sciagents::core
