#include "core/workflow/workflow_validator.h"

#include "core/agent/agent_registry.h"
#include "core/agent/native_function.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/value/value_json.h"
#include "core/workflow/link.h"
#include "core/workflow/param_path.h"
#include "core/workflow/step_model.h"
#include "core/workflow/sweep.h"
#include "core/workflow/workflow_graph.h"

#include <algorithm>
#include <map>
#include <set>

namespace sciagents::core {

using nlohmann::json;

std::string ValidationIssue::describe() const {
  std::string prefix;
  if (!step.empty()) prefix = "step '" + step + "'";
  if (!param.empty()) prefix += std::string(prefix.empty() ? "" : ", ") + "param '" + param + "'";
  return prefix.empty() ? message : prefix + ": " + message;
}

namespace {

class Validator {
 public:
  Validator(const Workflow& w, const AgentRegistry& r) : m_w(w), m_r(r) {
    for (const auto& s : w.steps) m_steps.emplace(s.id, &s);
  }

  std::vector<ValidationIssue> run() {
    if (m_w.steps.empty()) add({}, {}, "the workflow has no steps");
    for (const auto& step : m_w.steps) checkStep(step);
    checkCycles();
    return std::move(m_issues);
  }

 private:
  void add(std::string step, std::string param, std::string message) {
    m_issues.push_back({std::move(step), std::move(param), std::move(message)});
  }

  static std::string known(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
  }

  void checkStep(const Step& step) {
    const AgentSpec* agent = m_r.agent(step.agent);
    if (!agent) {
      std::vector<std::string> ids;
      for (const auto& a : m_r.agents()) ids.push_back(a.id);
      add(step.id, {}, "unknown agent '" + step.agent + "' (known: " + known(ids) + ")");
      return;
    }
    const TaskSpec* task = agent->task(step.task);
    if (!task) {
      std::vector<std::string> ids;
      for (const auto& t : agent->tasks) ids.push_back(t.id);
      add(step.id, {},
          "unknown task '" + step.task + "' for agent '" + step.agent + "' (known: " + known(ids) +
              ")");
      return;
    }
    if (task->planned()) {
      add(step.id, {},
          "task '" + step.agent + "." + step.task +
              "' is planned but not available in this version; it cannot be validated or run yet");
      return;
    }
    checkLinks(step);
    checkParams(step, *task);
  }

  void checkLinks(const Step& step) {
    for (const auto& link : stepLinks(step)) {
      if (link.step_ref) {
        checkStepRef(step, link);
        continue;
      }
      if (!link.raw.is_string()) {
        add(step.id, link.path, "link \"from\" must be a string like \"step.output[0]\"");
        continue;
      }
      std::string err;
      auto ref = parseLinkRef(link.raw.get<std::string>(), &err);
      if (!ref) {
        add(step.id, link.path, err);
        continue;
      }
      if (ref->step == step.id) {
        add(step.id, link.path, "link '" + ref->text + "' points at its own step");
        continue;
      }
      auto found = m_steps.find(ref->step);
      const Step* target = found == m_steps.end() ? nullptr : found->second;
      if (!target) {
        add(step.id, link.path,
            "link '" + ref->text + "' names step '" + ref->step + "', which does not exist");
        continue;
      }
      if (link.path == "sweep.design" && target->sweep)
        add(step.id, "sweep",
            "sweep design '" + ref->text + "': step '" + ref->step +
                "' is itself swept; a design must be one matrix (one row per point)");
      const bool sweep_output =
          target->sweep && (ref->output == "sweep_values" || ref->output == "sweep_table");
      if (const TaskSpec* t = m_r.task(target->agent, target->task);
          t && !t->planned() && !t->output(ref->output) && !sweep_output) {
        std::vector<std::string> outs;
        for (const auto& o : t->outputs) outs.push_back(o.name);
        add(step.id, link.path,
            "link '" + ref->text + "': step '" + ref->step + "' (" + target->agent + "." +
                target->task + ") has no output '" + ref->output + "' (outputs: " + known(outs) +
                ")");
      }
    }
  }

  void checkStepRef(const Step& step, const FoundLink& link) {
    if (!link.raw.is_string()) {
      add(step.id, link.path, "step reference \"step\" must be a step id string");
      return;
    }
    const std::string id = link.raw.get<std::string>();
    if (id == step.id) {
      add(step.id, link.path, "step reference points at its own step");
      return;
    }
    auto found = m_steps.find(id);
    if (found == m_steps.end()) {
      add(step.id, link.path, "step reference names step '" + id + "', which does not exist");
      return;
    }
    if (found->second->sweep)
      add(step.id, link.path,
          "step reference to '" + id + "': a swept step cannot be referenced as a whole");
    if (link.model_ref) checkModelRef(step, link, *found->second);
  }

  // {"step": ID, "input": PATH | [PATHS], "output": "NAME[i]"}: paths into the template's params
  // and an output its task produces.
  void checkModelRef(const Step& step, const FoundLink& link, const Step& target) {
    const TaskSpec* t = m_r.task(target.agent, target.task);
    if (!t || t->planned()) return;  // reported on the target step itself
    const auto at = ParamPath::parse(link.path);
    const json* found = at ? valueAtPath(step.params, *at) : nullptr;
    const json ref = found ? *found : json::object();
    const json in = ref.value("input", json::array());
    if (!in.is_string() && !(in.is_array() && !in.empty()))
      add(step.id, link.path,
          "model of step '" + target.id + "': \"input\" must be a param path of '" + target.id +
              "' (e.g. \"constants.k\") or a non-empty list of them");
    for (const auto& p : in.is_array() ? in : json::array({in})) {
      if (!p.is_string()) continue;
      if (auto err = checkModelInputPath(target.params, *t, p.get<std::string>()); !err.empty())
        add(step.id, link.path, "model of step '" + target.id + "': " + err);
    }
    if (!ref.contains("output") || !ref["output"].is_string()) {
      add(step.id, link.path,
          "model of step '" + target.id +
              "': \"output\" must name one of its outputs, e.g. \"y_final[0]\"");
      return;
    }
    std::string err;
    auto out = parseLinkRef(target.id + "." + ref["output"].get<std::string>(), &err);
    if (!out) {
      add(step.id, link.path, "model output: " + err);
    } else if (!t->output(out->output)) {
      std::vector<std::string> outs;
      for (const auto& o : t->outputs) outs.push_back(o.name);
      add(step.id, link.path,
          "model of step '" + target.id + "' (" + target.agent + "." + target.task +
              "): no output '" + out->output + "' (outputs: " + known(outs) + ")");
    }
  }

  void checkParamValue(const Step& step, const ParamSpec& spec, const json& raw,
                       const std::string& label) {
    if (containsLink(raw)) return;  // checked again after resolution at run time
    try {
      Value v = spec.normalise(fromJson(raw));
      if (auto problem = spec.check(v); !problem.empty()) {
        add(step.id, label, problem);
        return;
      }
      if (isNativeModel(v)) return;  // a Python callable: looked up when the step runs
      if (spec.type == ParamType::Expression || spec.type == ParamType::ExpressionList) {
        const List& items = spec.type == ParamType::Expression ? List{v} : v.asList();
        for (std::size_t i = 0; i < items.size(); ++i)
          if (auto issue = checkExpressionSyntax(items[i].asString()))
            add(step.id,
                items.size() > 1 || spec.type == ParamType::ExpressionList
                    ? label + "[" + std::to_string(i) + "]"
                    : label,
                issue->describe());
      }
    } catch (const Error& e) {
      add(step.id, label, e.bareMessage());
    } catch (const std::exception& e) {
      add(step.id, label, e.what());
    }
  }

  void checkParams(const Step& step, const TaskSpec& task) {
    std::set<std::string> swept;  // the top-level params a sweep sets
    bool sweep_ok = step.sweep.has_value();
    if (step.sweep) {
      for (const auto& text : step.sweep->paths()) {
        std::string err;
        const auto path = ParamPath::parse(text, &err);
        if (!path) {
          add(step.id, "sweep", "sweep parameter " + err);
          sweep_ok = false;
        } else if (!task.param(path->head())) {
          add(step.id, "sweep",
              "sweep parameter '" + text + "' is not a parameter of " + step.agent + "." +
                  step.task);
          sweep_ok = false;
        } else {
          swept.insert(path->head());
        }
      }
    }
    for (auto it = step.params.begin(); it != step.params.end(); ++it)
      if (!task.param(it.key())) {
        std::vector<std::string> names;
        for (const auto& p : task.params) names.push_back(p.name);
        add(step.id, it.key(),
            "unknown parameter for " + step.agent + "." + step.task + " (known: " + known(names) +
                ")");
      }
    for (const auto& spec : task.params) {
      const bool given = step.params.contains(spec.name) && !step.params[spec.name].is_null();
      if (!given) {
        if (spec.required && !swept.count(spec.name))
          add(step.id, spec.name, "required parameter is missing");
        continue;
      }
      if (swept.count(spec.name)) continue;  // checked per sweep point below
      checkParamValue(step, spec, step.params[spec.name], spec.name);
    }
    // A design's values come from another step: checked when it runs.
    if (sweep_ok && step.sweep->mode != SweepSpec::Mode::Design)
      checkSweepPoints(step, task, swept);
  }

  // Each sweep point must make valid parameters; reports the first bad one only. Large sweeps are
  // sampled (the run re-checks every point): the first 65 points and, in a grid, every axis's first
  // 65 values.
  void checkSweepPoints(const Step& step, const TaskSpec& task, const std::set<std::string>& tops) {
    const SweepSpec& sweep = *step.sweep;
    const SweepPoints points(sweep);
    std::vector<std::size_t> sample;
    for (std::size_t i = 0; i < std::min<std::size_t>(points.size(), 65); ++i) sample.push_back(i);
    if (sweep.mode == SweepSpec::Mode::Grid) {
      std::size_t stride = points.size();
      for (const auto& axis : sweep.axes) {
        stride /= axis.values.size();
        for (std::size_t k = 1; k < std::min<std::size_t>(axis.values.size(), 65); ++k)
          sample.push_back(k * stride);
      }
    }
    std::sort(sample.begin(), sample.end());
    sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
    for (const std::size_t i : sample) {
      json params = step.params;
      std::string err;
      if (!points.apply(params, i, &err)) {
        add(step.id, "sweep", err);
        return;
      }
      const std::size_t before = m_issues.size();
      for (const auto& top : tops)
        checkParamValue(step, *task.param(top), params[top],
                        sweep.mode == SweepSpec::Mode::One ? sweep.param : top);
      if (m_issues.size() > before) {
        std::string where;
        if (sweep.mode == SweepSpec::Mode::One) {
          where = "sweep value #" + std::to_string(i + 1) + " (" + points.value(i, 0).dump() + ")";
        } else {
          for (std::size_t c = 0; c < points.paths().size(); ++c)
            where += (c ? ", " : "") + points.paths()[c] + " = " + points.value(i, c).dump();
          where = "sweep point #" + std::to_string(i + 1) + " (" + where + ")";
        }
        m_issues.resize(before + 1);
        m_issues.back().message = where + ": " + m_issues.back().message;
        return;
      }
    }
  }

  void checkCycles() {
    for (const auto& c : WorkflowGraph(m_w).cycles())
      add(c.step, {},
          "cycle in links: " + c.describe() + " (a step cannot depend on its own result)");
  }

  const Workflow& m_w;
  const AgentRegistry& m_r;
  std::vector<ValidationIssue> m_issues;
  std::map<std::string, const Step*, std::less<>> m_steps;
};

}  // namespace

std::vector<ValidationIssue> validateWorkflow(const Workflow& workflow,
                                              const AgentRegistry& registry) {
  return Validator(workflow, registry).run();
}

}  // namespace sciagents::core
