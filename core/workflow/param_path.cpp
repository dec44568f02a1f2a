// Parsing and applying parameter/link paths (see param_path.h).
#include "core/workflow/param_path.h"

#include "core/util/error.h"

#include <stdexcept>

namespace sciagents::core {

using nlohmann::json;

namespace {

std::string positionError(std::string_view text, std::size_t pos, const std::string& why) {
  return "path '" + std::string(text) + "', position " + std::to_string(pos + 1) + ": " + why;
}

}  // namespace

std::optional<ParamPath> ParamPath::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::size_t pos, const std::string& why) -> std::optional<ParamPath> {
    if (error) *error = positionError(text, pos, why);
    return std::nullopt;
  };
  ParamPath p;
  p.m_text = std::string(text);
  if (text.empty()) return fail(0, "the path is empty");
  std::size_t i = 0;
  while (true) {
    // A key.
    const std::size_t start = i;
    while (i < text.size() && text[i] != '.' && text[i] != '[' && text[i] != ']') ++i;
    if (i == start) {
      if (i < text.size() && text[i] == ']') return fail(i, "unexpected ']'");
      return fail(i, i == text.size()
                         ? "a name is missing at the end"
                         : "a name is missing before '" + std::string(1, text[i]) + "'");
    }
    p.m_segments.push_back({std::string(text.substr(start, i - start)), 0, false, start});
    // Its indices.
    while (i < text.size() && text[i] == '[') {
      const std::size_t open = i;
      const auto close = text.find(']', open);
      if (close == std::string_view::npos) return fail(open, "missing ']'");
      const std::string num(text.substr(open + 1, close - open - 1));
      std::size_t used = 0;
      long long idx = 0;
      try {
        idx = std::stoll(num, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (num.empty() || used != num.size() || num.find_first_of(" \t+") != std::string::npos)
        return fail(open + 1, "index '" + num + "' is not an integer");
      p.m_segments.push_back({{}, idx, true, open});
      i = close + 1;
    }
    if (i == text.size()) break;
    if (text[i] != '.') return fail(i, "unexpected '" + std::string(1, text[i]) + "'");
    ++i;  // the '.'
  }
  return p;
}

ParamPath ParamPath::parseOrThrow(std::string_view text) {
  std::string err;
  auto p = parse(text, &err);
  if (!p) throw Error(ErrorCode::InvalidInput, err);
  return *p;
}

const std::string& ParamPath::head() const {
  static const std::string none;
  return m_segments.empty() ? none : m_segments.front().key;
}

ParamPath ParamPath::tail(std::size_t first) const {
  ParamPath p;
  if (first >= m_segments.size()) return p;
  const std::size_t offset = m_segments[first].position;
  p.m_text = m_text.substr(offset);
  for (std::size_t k = first; k < m_segments.size(); ++k) {
    PathSegment s = m_segments[k];
    s.position -= offset;
    p.m_segments.push_back(std::move(s));
  }
  return p;
}

std::string ParamPath::error(std::size_t segment, const std::string& why) const {
  const std::size_t pos =
      segment < m_segments.size() ? m_segments[segment].position : m_text.size();
  return positionError(m_text, pos, why);
}

namespace {

// Walks `path` from `root`. With `create`, missing keys are added (null) and nulls on the way
// become objects. Returns nullptr with `error` when the path does not lead anywhere.
json* walk(json& root, const ParamPath& path, bool create, std::string* error) {
  auto fail = [&](std::size_t k, const std::string& why) -> json* {
    if (error) *error = path.error(k, why);
    return nullptr;
  };
  if (path.empty()) return fail(0, "the path is empty");
  const auto& segs = path.segments();
  json* cur = &root;
  for (std::size_t k = 0; k < segs.size(); ++k) {
    const PathSegment& s = segs[k];
    if (!s.is_index) {
      if (create && cur->is_null()) *cur = json::object();
      if (!cur->is_object())
        return fail(k, "'" + s.key + "' is inside a value that is not an object");
      if (!cur->contains(s.key)) {
        if (!create) return fail(k, "no value '" + s.key + "'");
        (*cur)[s.key] = nullptr;
      }
      cur = &(*cur)[s.key];
      continue;
    }
    const std::string what =
        k > 0 && !segs[k - 1].is_index ? "'" + segs[k - 1].key + "'" : "the value";
    if (!cur->is_array()) return fail(k, what + " is not a list");
    const auto n = static_cast<std::int64_t>(cur->size());
    const std::int64_t at = s.index < 0 ? n + s.index : s.index;
    if (at < 0 || at >= n)
      return fail(k, "index " + std::to_string(s.index) + " out of range for " + what +
                         " of size " + std::to_string(n));
    cur = &(*cur)[static_cast<std::size_t>(at)];
  }
  return cur;
}

}  // namespace

const json* valueAtPath(const json& root, const ParamPath& path, std::string* error) {
  return walk(const_cast<json&>(root), path, false, error);  // never modifies without `create`
}

json* valueAtPath(json& root, const ParamPath& path, std::string* error) {
  return walk(root, path, false, error);
}

bool setAtPath(json& root, const ParamPath& path, json value, std::string* error) {
  // A dry walk first, so that a path which cannot be applied leaves `root` as it was: once a key
  // is missing (or null) only keys may follow, as they will be created; indices never create.
  auto fail = [&](std::size_t k, const std::string& why) {
    if (error) *error = path.error(k, why);
    return false;
  };
  if (path.empty()) return fail(0, "the path is empty");
  const auto& segs = path.segments();
  const json* cur = &root;
  bool missing = false;
  for (std::size_t k = 0; k < segs.size(); ++k) {
    const PathSegment& s = segs[k];
    const std::string what =
        k > 0 && !segs[k - 1].is_index ? "'" + segs[k - 1].key + "'" : "the value";
    if (!s.is_index) {
      if (missing || cur->is_null()) {
        missing = true;
        continue;
      }
      if (!cur->is_object())
        return fail(k, "'" + s.key + "' is inside a value that is not an object");
      const auto it = cur->find(s.key);
      if (it == cur->end())
        missing = true;
      else
        cur = &*it;
      continue;
    }
    if (missing || cur->is_null())
      return fail(k, what + " does not exist (an index never creates a list)");
    if (!cur->is_array()) return fail(k, what + " is not a list");
    const auto n = static_cast<std::int64_t>(cur->size());
    const std::int64_t at = s.index < 0 ? n + s.index : s.index;
    if (at < 0 || at >= n)
      return fail(k, "index " + std::to_string(s.index) + " out of range for " + what +
                         " of size " + std::to_string(n));
    cur = &(*cur)[static_cast<std::size_t>(at)];
  }
  json* target = walk(root, path, true, error);
  if (!target) return false;
  *target = std::move(value);
  return true;
}

bool eraseAtPath(json& root, const ParamPath& path, std::string* error) {
  if (path.empty()) {
    if (error) *error = path.error(0, "the path is empty");
    return false;
  }
  const auto& segs = path.segments();
  if (segs.back().is_index) {
    if (error) *error = path.error(segs.size() - 1, "a list element cannot be removed");
    return false;
  }
  json* parent = &root;
  if (segs.size() > 1) {
    ParamPath up = *ParamPath::parse(path.text().substr(0, segs.back().position - 1));
    parent = walk(root, up, false, error);
    if (!parent) return false;
  }
  if (!parent->is_object() || !parent->contains(segs.back().key)) {
    if (error) *error = path.error(segs.size() - 1, "no value '" + segs.back().key + "'");
    return false;
  }
  parent->erase(segs.back().key);
  return true;
}

bool setAtPath(Map& root, const ParamPath& path, Value value, std::string* error) {
  auto fail = [&](std::size_t k, const std::string& why) {
    if (error) *error = path.error(k, why);
    return false;
  };
  if (path.empty() || path.segments().front().is_index)
    return fail(0, "the path must start with a name");
  const auto& segs = path.segments();
  // Check the whole path before changing anything, then apply it.
  for (int pass = 0; pass < 2; ++pass) {
    const bool apply = pass == 1;
    Map scratch;
    Map* map = &root;
    Value* cur = nullptr;
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const PathSegment& s = segs[k];
      const std::string what =
          k > 0 && !segs[k - 1].is_index ? "'" + segs[k - 1].key + "'" : "the value";
      if (!s.is_index) {
        if (cur) {
          if (cur->isNull() && apply) *cur = Map{};
          if (!cur->isNull() && cur->kind() != ValueKind::Map)
            return fail(k, "'" + s.key + "' is inside a value that is not an object");
          map = cur->isNull() ? &scratch : &cur->asMap();  // dry pass: a map still to be created
        }
        auto it = map->find(s.key);
        if (it == map->end()) {
          if (!apply) {
            scratch.clear();
            cur = &scratch[s.key];
            continue;
          }
          it = map->emplace(s.key, Value()).first;
        }
        cur = &it->second;
        continue;
      }
      if (cur->isNull()) return fail(k, what + " does not exist (an index never creates a list)");
      std::int64_t n = 0;
      if (cur->kind() == ValueKind::List)
        n = static_cast<std::int64_t>(cur->asList().size());
      else if (cur->kind() == ValueKind::Vector && k + 1 == segs.size())
        n = cur->asVector().size();
      else if (cur->kind() == ValueKind::Vector)
        return fail(k + 1, "an element of a vector has no parts");
      else
        return fail(k, what + " is not a list");
      const std::int64_t at = s.index < 0 ? n + s.index : s.index;
      if (at < 0 || at >= n)
        return fail(k, "index " + std::to_string(s.index) + " out of range for " + what +
                           " of size " + std::to_string(n));
      if (cur->kind() == ValueKind::Vector) {
        if (!value.isNumber()) return fail(k, "an element of a vector must be a number");
        if (apply) {
          Vector v = cur->asVector();
          v[static_cast<Eigen::Index>(at)] = value.asDouble();
          *cur = std::move(v);
          return true;
        }
        cur = nullptr;
        break;
      }
      cur = &cur->asList()[static_cast<std::size_t>(at)];
    }
    if (apply && cur) *cur = std::move(value);
  }
  return true;
}

}  // namespace sciagents::core
