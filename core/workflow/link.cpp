#include "core/workflow/link.h"

#include "core/util/error.h"
#include "core/value/value_json.h"
#include "core/workflow/param_path.h"

namespace sciagents::core {

using nlohmann::json;

bool isLinkObject(const json& j) { return j.is_object() && j.size() == 1 && j.contains("from"); }

bool isStepRef(const json& j) { return j.is_object() && j.size() == 1 && j.contains("step"); }

bool isModelRef(const json& j) {
  if (!j.is_object() || !j.contains("step") || !(j.contains("input") || j.contains("output")))
    return false;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "step" && it.key() != "input" && it.key() != "output" && it.key() != "cache")
      return false;
  return true;
}

std::optional<LinkRef> parseLinkRef(const std::string& text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<LinkRef> {
    if (error)
      *error =
          "bad link '" + text + "': " + why + " (expected \"step.output\" or \"step.output[i]\")";
    return std::nullopt;
  };
  // The one path syntax (param_path.h), in the shape STEP.OUTPUT[i][j]...
  std::string err;
  const auto path = ParamPath::parse(text, &err);
  if (!path) return fail(err);
  const auto& segs = path->segments();
  if (segs.size() < 2 || segs[1].is_index)
    return fail("no output name after the step name and '.'");
  LinkRef ref;
  ref.text = text;
  ref.step = segs[0].key;
  ref.output = segs[1].key;
  for (std::size_t k = 2; k < segs.size(); ++k) {
    if (!segs[k].is_index)
      return fail(path->error(
          k, "only [i] indices may follow the output name, not '." + segs[k].key + "'"));
    ref.indices.push_back(segs[k].index);
  }
  if (ref.indices.size() > 8) return fail("too many indices");
  return ref;
}

namespace {
void collect(const json& j, const std::string& path, std::vector<FoundLink>& out) {
  if (isLinkObject(j)) {
    out.push_back({path, j["from"], false});
    return;
  }
  if (isStepRef(j)) {
    out.push_back({path, j["step"], true});
    return;
  }
  if (isModelRef(j)) {
    out.push_back({path, j["step"], true, true});
    return;
  }
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      collect(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      collect(j[i], path + "[" + std::to_string(i) + "]", out);
  }
}
}  // namespace

std::vector<FoundLink> findLinks(const json& params) {
  std::vector<FoundLink> out;
  collect(params, "", out);
  return out;
}

bool containsLink(const json& j) {
  if (isLinkObject(j) || isStepRef(j) || isModelRef(j)) return true;
  if (j.is_object() || j.is_array())
    for (const auto& item : j)
      if (containsLink(item)) return true;
  return false;
}

Value applyIndices(const Value& v, const LinkRef& ref) {
  Value cur = v;
  for (auto idx : ref.indices) cur = cur.at(idx);
  return cur;
}

namespace {
Value resolveModelRef(const json& j, const std::string& path, const StepLookup& step_lookup) {
  if (!j["step"].is_string()) throw paramError(path, "model \"step\" must be a step id string");
  if (!step_lookup) throw paramError(path, "step references are not available here");
  const Value step = step_lookup(j["step"].get<std::string>());
  List inputs;
  const json in = j.value("input", json::array());
  for (const auto& p : in.is_array() ? in : json::array({in})) {
    if (!p.is_string())
      throw paramError(path, "model \"input\" must be a param path or a list of them");
    inputs.emplace_back(p.get<std::string>());
  }
  if (!j.contains("output") || !j["output"].is_string())
    throw paramError(path, "model \"output\" must name one output of step '" +
                               j["step"].get<std::string>() + "', e.g. \"y_final[0]\"");
  if (j.contains("cache") && !j["cache"].is_boolean())
    throw paramError(path, "model \"cache\" must be true or false");
  Map m;
  for (const char* key : {"agent", "task", "agent_version", "params"})
    if (const Value* v = step.find(key)) m[key] = *v;
  m["step"] = j["step"].get<std::string>();
  m["input"] = std::move(inputs);
  m["output"] = j["output"].get<std::string>();
  m["cache"] = j.value("cache", true);
  return m;
}
}  // namespace

Value resolveLinks(const json& j, const OutputLookup& lookup, const std::string& path,
                   const StepLookup& step_lookup) {
  if (isModelRef(j)) return resolveModelRef(j, path, step_lookup);
  if (isStepRef(j)) {
    if (!j["step"].is_string())
      throw paramError(path, "step reference \"step\" must be a step id string");
    if (!step_lookup) throw paramError(path, "step references are not available here");
    return step_lookup(j["step"].get<std::string>());
  }
  if (isLinkObject(j)) {
    if (!j["from"].is_string()) throw paramError(path, "link \"from\" must be a string");
    std::string err;
    auto ref = parseLinkRef(j["from"].get<std::string>(), &err);
    if (!ref) throw paramError(path, err);
    const Value* out = lookup(ref->step, ref->output);
    if (!out)
      throw paramError(path, "link '" + ref->text + "': step '" + ref->step + "' has no output '" +
                                 ref->output + "'");
    try {
      return applyIndices(*out, *ref);
    } catch (const std::exception& e) {
      throw paramError(path, "link '" + ref->text + "': " + e.what());
    }
  }
  if (!containsLink(j)) {
    try {
      return fromJson(j);
    } catch (const std::exception& e) {
      throw paramError(path, e.what());
    }
  }
  if (j.is_object()) {
    Map m;
    for (auto it = j.begin(); it != j.end(); ++it)
      m[it.key()] = resolveLinks(it.value(), lookup,
                                 path.empty() ? it.key() : path + "." + it.key(), step_lookup);
    return m;
  }
  // An array with links inside.
  List items;
  items.reserve(j.size());
  bool all_numbers = true, all_vectors = true;
  for (std::size_t i = 0; i < j.size(); ++i) {
    items.push_back(resolveLinks(j[i], lookup, path + "[" + std::to_string(i) + "]", step_lookup));
    all_numbers = all_numbers && items.back().isNumber();
    all_vectors = all_vectors && items.back().kind() == ValueKind::Vector &&
                  items.back().asVector().size() == items.front().size();
  }
  if (!items.empty() && all_numbers) return Value(items).toVector();
  if (!items.empty() && all_vectors) return Value(items).toMatrix();
  return items;
}

}  // namespace sciagents::core
