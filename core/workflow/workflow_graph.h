// The step dependency graph of a workflow, computed in one place for the engine, the validator,
// the Slurm sharding checks and Studio: every link ({"from": "STEP.OUTPUT[i]"}), step reference
// ({"step": "ID"}) and step-reference model ({"step": "ID", "input", "output"}) in a step's params
// is an edge from the step read to the step reading. Topological order, cycles (named step by step)
// and upstream/downstream sets.
#pragma once

#include "core/workflow/link.h"
#include "core/workflow/workflow.h"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sciagents::core {

// One reference from a step's params to another step, as written.
struct StepReference {
  enum class Kind { Link, StepRef, ModelRef };
  std::string from;   // the step whose params hold the reference
  std::string to;     // the step referred to; empty when the reference is malformed
  std::string param;  // where inside the params, e.g. "b[1]" or "constants.k"
  Kind kind = Kind::Link;
};

// Every link, step reference and model reference of a step: those in its params (findLinks) and a
// design sweep's {"from": ...}, at path "sweep.design".
std::vector<FoundLink> stepLinks(const Step& step);

// Every reference in `step`'s params, depth-first in document order (core/workflow/link.h).
std::vector<StepReference> stepReferences(const Step& step);

// A cycle of dependencies, found at `step`: path = {step, ..., step} following "reads from".
struct DependencyCycle {
  std::string step;
  std::vector<std::string> path;
  std::string describe() const;  // "a -> c -> b -> a"
};

class WorkflowGraph {
 public:
  explicit WorkflowGraph(const Workflow& workflow);

  std::size_t size() const { return m_ids.size(); }
  const std::string& id(std::size_t i) const { return m_ids[i]; }
  std::optional<std::size_t> index(std::string_view id) const;

  // Every reference of every step, in step order; includes references to missing steps and to the
  // step itself, which are not edges.
  const std::vector<StepReference>& references() const { return m_refs; }

  // Direct edges between existing, distinct steps, as step indices in increasing order.
  const std::vector<std::size_t>& upstream(std::size_t i) const { return m_up[i]; }
  const std::vector<std::size_t>& downstream(std::size_t i) const { return m_down[i]; }

  // Transitive closures by step id (the step itself excluded; empty for an unknown id).
  std::set<std::string> allUpstream(std::string_view id) const;
  std::set<std::string> allDownstream(std::string_view id) const;
  // True when `step` reads from `ancestor`, directly or transitively.
  bool dependsOn(std::string_view step, std::string_view ancestor) const;
  // True when making `to` read from `from` would close a cycle (a self-link included).
  bool wouldCreateCycle(std::string_view from, std::string_view to) const;

  // Steps in an order where every step comes after the steps it reads from (ties in workflow
  // order); nullopt when there is a cycle.
  std::optional<std::vector<std::size_t>> topologicalOrder() const;
  // Every cycle found by a depth-first search in workflow order (upstream steps visited in order of
  // their ids), each reported once at the step that closes it.
  std::vector<DependencyCycle> cycles() const;

 private:
  std::set<std::string> closure(std::string_view id, bool up) const;

  std::vector<std::string> m_ids;
  std::unordered_map<std::string, std::size_t> m_index;
  std::vector<StepReference> m_refs;
  std::vector<std::vector<std::size_t>> m_up, m_down;
};

}  // namespace sciagents::core
