#include "ui/workflow_links.h"

#include "core/workflow/link.h"
#include "core/workflow/param_path.h"
#include "core/workflow/workflow_graph.h"

namespace sciagents::ui {

using nlohmann::json;

namespace {

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
  if (const core::Step* s = w.step(id))
    for (const auto& ref : core::stepReferences(*s))
      if (!ref.to.empty()) out.insert(ref.to);
  return out;
}

bool dependsOn(const core::Workflow& w, const std::string& step, const std::string& ancestor) {
  return core::WorkflowGraph(w).dependsOn(step, ancestor);
}

bool wouldCreateCycle(const core::Workflow& w, const std::string& from, const std::string& to) {
  return core::WorkflowGraph(w).wouldCreateCycle(from, to);
}

const json* valueAtPath(const json& params, const std::string& path) {
  const auto p = core::ParamPath::parse(path);
  return p ? core::valueAtPath(params, *p) : nullptr;
}

bool setAtPath(json& params, const std::string& path, const json& value, std::string* error) {
  const auto p = core::ParamPath::parse(path, error);
  return p && core::setAtPath(params, *p, value, error);
}

bool eraseAtPath(json& params, const std::string& path) {
  const auto p = core::ParamPath::parse(path);
  if (!p) return false;
  if (!p->segments().back().is_index) return core::eraseAtPath(params, *p);
  // A link standing for one element of a list leaves a plain number behind.
  json* target = core::valueAtPath(params, *p);
  if (!target) return false;
  *target = 0.0;
  return true;
}

void renameReferences(json& params, const std::string& old_id, const std::string& new_id) {
  visitLinks(params, [&](json& link) {
    if (link.contains("from") && link["from"].is_string()) {
      const std::string text = link["from"].get<std::string>();
      if (linkSourceStep(text) == old_id) link["from"] = new_id + text.substr(old_id.size());
    } else if (link.contains("step") && link["step"].is_string() &&
               link["step"].get<std::string>() == old_id) {
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
