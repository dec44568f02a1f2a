// The one path syntax for parameters and links, used by the engine, the validator, sweeps, the
// CLI's --set and Studio: "constants.k", "x0[1]", "a.b[1].c", "step.output[0][-1]". A path is a
// chain of keys joined by '.', each key followed by any number of [i] indices (an integer, negative
// counting from the end). Keys are non-empty and hold no '.', '[' or ']'.
#pragma once

#include "core/value/value.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core {

struct PathSegment {
  std::string key;         // the key, empty for an index
  std::int64_t index = 0;  // the index when is_index
  bool is_index = false;
  std::size_t position = 0;  // 0-based offset of the segment in the path's text
};

class ParamPath {
 public:
  ParamPath() = default;

  // Parses `text`; nullopt with `error` set ("path 'a.b[x]', position 5: index 'x' is not an
  // integer") when malformed. A path starts with a key.
  static std::optional<ParamPath> parse(std::string_view text, std::string* error = nullptr);
  // As parse(), throwing Error(InvalidInput) with that message.
  static ParamPath parseOrThrow(std::string_view text);

  const std::string& text() const { return m_text; }
  const std::vector<PathSegment>& segments() const { return m_segments; }
  bool empty() const { return m_segments.empty(); }
  std::size_t size() const { return m_segments.size(); }
  // The first key: the parameter a params path starts in, the step of a link.
  const std::string& head() const;
  // The path from segment `first` on (a key segment), e.g. "s.b[1]" -> "b[1]" for first = 1.
  ParamPath tail(std::size_t first) const;

  // "path 'TEXT', position N: WHY" with N the 1-based character where segment `segment` begins.
  std::string error(std::size_t segment, const std::string& why) const;

 private:
  std::string m_text;
  std::vector<PathSegment> m_segments;
};

// The value at `path` inside `root`; nullptr (with `error`) when absent or not reachable.
const nlohmann::json* valueAtPath(const nlohmann::json& root, const ParamPath& path,
                                  std::string* error = nullptr);
nlohmann::json* valueAtPath(nlohmann::json& root, const ParamPath& path,
                            std::string* error = nullptr);

// Sets the value at `path`. Missing keys are created, and a null on the way becomes an object;
// list elements must exist (indices never grow a list). False with `error` naming the path and the
// position when the path cannot be applied (a key inside a non-object, an index into a non-list,
// an index out of range).
bool setAtPath(nlohmann::json& root, const ParamPath& path, nlohmann::json value,
               std::string* error = nullptr);

// Removes the key a path ends in from its object. False (with `error`) when absent or when the
// path ends in an index.
bool eraseAtPath(nlohmann::json& root, const ParamPath& path, std::string* error = nullptr);

// The same on resolved params (Values): keys walk maps (missing keys and nulls become maps), an
// index walks a list or, as the last segment, sets one element of a vector.
bool setAtPath(Map& root, const ParamPath& path, Value value, std::string* error = nullptr);

}  // namespace sciagents::core
