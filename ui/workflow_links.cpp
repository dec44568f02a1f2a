#include "ui/workflow_links.h"

#include "core/workflow/link.h"

#include <cctype>
#include <vector>

namespace sciagents::ui {

using nlohmann::json;

namespace {

// "constants.k" -> [{"constants"}, {"k"}]; "b[1][0]" -> [{"b", [1, 0]}].
struct PathPart {
  std::string key;
  std::vector<long long> indices;
};

bool splitPath(const std::string& path, std::vector<PathPart>& parts) {
  std::size_t i = 0;
  while (i < path.size()) {
    PathPart part;
    while (i < path.size() && path[i] != '.' && path[i] != '[') part.key += path[i++];
    while (i < path.size() && path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos) return false;
      try {
        part.indices.push_back(std::stoll(path.substr(i + 1, close - i - 1)));
      } catch (const std::exception&) {
        return false;
      }
      i = close + 1;
    }
    if (part.key.empty()) return false;
    parts.push_back(std::move(part));
    if (i < path.size()) {
      if (path[i] != '.') return false;
      ++i;
    }
  }
  return !parts.empty();
}

json* walk(json& params, const std::vector<PathPart>& parts, bool create, std::string* error) {
  json* cur = &params;
  for (const auto& part : parts) {
    if (!cur->is_object()) {
      if (!create || !cur->is_null()) {
        if (error) *error = "'" + part.key + "' is not inside an object";
        return nullptr;
      }
      *cur = json::object();
    }
    if (!cur->contains(part.key)) {
      if (!create || !part.indices.empty()) {
        if (error) *error = "no value '" + part.key + "'";
        return nullptr;
      }
      (*cur)[part.key] = nullptr;
    }
    cur = &(*cur)[part.key];
    for (long long idx : part.indices) {
      if (!cur->is_array()) {
        if (error) *error = "'" + part.key + "' is not a list";
        return nullptr;
      }
      const long long n = static_cast<long long>(cur->size());
      const long long k = idx < 0 ? n + idx : idx;
      if (k < 0 || k >= n) {
        if (error) *error = "index " + std::to_string(idx) + " out of range";
        return nullptr;
      }
      cur = &(*cur)[static_cast<std::size_t>(k)];
    }
  }
  return cur;
}

template <class F>
void visitLinks(json& j, F&& f) {
  if (core::isLinkObject(j) || core::isStepRef(j) || core::isModelRef(j)) {
    f(j);
    return;
  }
  if (j.is_object() || j.is_array())
    for (auto& child : j) visitLinks(child, f);
}

}  // namespace

std::string linkSourceStep(const std::string& link_text) {
  auto ref = core::parseLinkRef(link_text);
  return ref ? ref->step : std::string();
}

std::set<std::string> directUpstream(const core::Workflow& w, const std::string& id) {
  std::set<std::string> out;
  const core::Step* s = w.step(id);
  if (!s) return out;
  for (const auto& link : core::findLinks(s->params)) {
    if (!link.raw.is_string()) continue;
    const std::string text = link.raw.get<std::string>();
    const std::string src = link.step_ref ? text : linkSourceStep(text);
    if (!src.empty()) out.insert(src);
  }
  return out;
}

bool dependsOn(const core::Workflow& w, const std::string& step, const std::string& ancestor) {
  std::set<std::string> seen;
  std::vector<std::string> todo{step};
  while (!todo.empty()) {
    const std::string cur = todo.back();
    todo.pop_back();
    for (const auto& up : directUpstream(w, cur)) {
      if (up == ancestor) return true;
      if (seen.insert(up).second) todo.push_back(up);
    }
  }
  return false;
}

bool wouldCreateCycle(const core::Workflow& w, const std::string& from, const std::string& to) {
  return from == to || dependsOn(w, from, to);
}

const json* valueAtPath(const json& params, const std::string& path) {
  std::vector<PathPart> parts;
  if (!splitPath(path, parts)) return nullptr;
  return walk(const_cast<json&>(params), parts, false, nullptr);
}

bool setAtPath(json& params, const std::string& path, const json& value, std::string* error) {
  std::vector<PathPart> parts;
  if (!splitPath(path, parts)) {
    if (error) *error = "malformed parameter path '" + path + "'";
    return false;
  }
  json* target = walk(params, parts, true, error);
  if (!target) return false;
  *target = value;
  return true;
}

bool eraseAtPath(json& params, const std::string& path) {
  std::vector<PathPart> parts;
  if (!splitPath(path, parts)) return false;
  if (!parts.back().indices.empty()) {
    json* target = walk(params, parts, false, nullptr);
    if (!target) return false;
    *target = 0.0;
    return true;
  }
  PathPart last = parts.back();
  parts.pop_back();
  json* parent = parts.empty() ? &params : walk(params, parts, false, nullptr);
  if (!parent || !parent->is_object() || !parent->contains(last.key)) return false;
  parent->erase(last.key);
  return true;
}

void renameReferences(json& params, const std::string& old_id, const std::string& new_id) {
  visitLinks(params, [&](json& link) {
    if (link.contains("from") && link["from"].is_string()) {
      const std::string text = link["from"].get<std::string>();
      if (linkSourceStep(text) == old_id) link["from"] = new_id + text.substr(old_id.size());
    } else if (link.contains("step") && link["step"].is_string() && link["step"].get<std::string>() == old_id) {
      link["step"] = new_id;
    }
  });
}

int removeReferencesTo(json& params, const std::string& id) {
  int removed = 0;
  // Erase from the deepest paths first so array indices stay valid.
  auto links = core::findLinks(params);
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    if (!it->raw.is_string()) continue;
    const std::string text = it->raw.get<std::string>();
    const std::string src = it->step_ref ? text : linkSourceStep(text);
    if (src == id && eraseAtPath(params, it->path)) ++removed;
  }
  return removed;
}

}  // namespace sciagents::ui
