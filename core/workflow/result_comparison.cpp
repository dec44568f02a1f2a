#include "core/workflow/result_comparison.h"

#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <set>

namespace sciagents::core {

namespace {
std::string shortJsonForComparison(const nlohmann::json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

// Where two JSON values first differ: a path like "[3]" or ".t[10]" and both sides.
std::string firstJsonDifference(const nlohmann::json& a, const nlohmann::json& b,
                                const std::string& path = {}) {
  if (a.type() == b.type() && a.is_array() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i])
        return firstJsonDifference(a[i], b[i], path + "[" + std::to_string(i) + "]");
  }
  if (a.type() == b.type() && a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) return path + "." + it.key() + ": missing in the new run";
      if (it.value() != b[it.key()])
        return firstJsonDifference(it.value(), b[it.key()], path + "." + it.key());
    }
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) return path + "." + it.key() + ": only in the new run";
  }
  std::string where =
      path.empty() ? std::string() : (path[0] == '.' ? path.substr(1) : path) + ": ";
  if (a.is_array() && b.is_array() && a.size() != b.size())
    return where + "size was " + std::to_string(a.size()) + ", now " + std::to_string(b.size());
  // JSON writes doubles in their shortest form that reads back to the same bits.
  const std::string sa = shortJsonForComparison(a), sb = shortJsonForComparison(b);
  return where + "was " + sa + ", now " + sb;
}
}  // namespace

bool hasMeasuredOutputs(std::string_view agent) { return agent == "performance_profiler"; }

ResultComparison compareRunResults(const RunResult& expected, const RunResult& actual) {
  ResultComparison c;
  for (const auto& e : expected.steps) {
    if (hasMeasuredOutputs(e.agent)) {
      c.skipped.push_back(e.id);
      continue;
    }
    const StepResult* a = actual.step(e.id);
    if (!a) {
      c.differences.push_back({e.id, "", "the step is missing from the new run"});
      continue;
    }
    c.compared.push_back(e.id);
    if (a->status != e.status) {
      c.differences.push_back({e.id, "",
                               "status was " + std::string(stepStatusName(e.status)) + ", now " +
                                   std::string(stepStatusName(a->status))});
      continue;
    }
    std::set<std::string> names;
    for (const auto& [k, v] : e.outputs) names.insert(k);
    for (const auto& [k, v] : a->outputs) names.insert(k);
    for (const auto& name : names) {
      const auto ie = e.outputs.find(name);
      const auto ia = a->outputs.find(name);
      if (ie == e.outputs.end()) {
        c.differences.push_back({e.id, name, "only in the new run"});
        continue;
      }
      if (ia == a->outputs.end()) {
        c.differences.push_back({e.id, name, "missing from the new run"});
        continue;
      }
      const nlohmann::json je = toJson(ie->second), ja = toJson(ia->second);
      if (je != ja) c.differences.push_back({e.id, name, firstJsonDifference(je, ja)});
    }
  }
  return c;
}

}  // namespace sciagents::core
