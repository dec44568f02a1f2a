// The step dependency graph (see workflow_graph.h).
#include "core/workflow/workflow_graph.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace sciagents::core {

std::vector<FoundLink> stepLinks(const Step& step) {
  auto links = findLinks(step.params);
  if (step.sweep && step.sweep->mode == SweepSpec::Mode::Design)
    links.push_back({"sweep.design", step.sweep->design_from});
  return links;
}

std::vector<StepReference> stepReferences(const Step& step) {
  std::vector<StepReference> out;
  for (const auto& link : stepLinks(step)) {
    StepReference r;
    r.from = step.id;
    r.param = link.path;
    r.kind = link.model_ref  ? StepReference::Kind::ModelRef
             : link.step_ref ? StepReference::Kind::StepRef
                             : StepReference::Kind::Link;
    if (link.raw.is_string()) {
      if (link.step_ref) {
        r.to = link.raw.get<std::string>();
      } else if (auto ref = parseLinkRef(link.raw.get<std::string>())) {
        r.to = ref->step;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string DependencyCycle::describe() const {
  std::string s;
  for (const auto& id : path) s += (s.empty() ? "" : " -> ") + id;
  return s;
}

WorkflowGraph::WorkflowGraph(const Workflow& workflow) {
  const std::size_t n = workflow.steps.size();
  m_ids.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    m_ids.push_back(workflow.steps[i].id);
    m_index.emplace(workflow.steps[i].id, i);
  }
  m_up.resize(n);
  m_down.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& r : stepReferences(workflow.steps[i])) {
      if (auto it = m_index.find(r.to); it != m_index.end() && it->second != i)
        m_up[i].push_back(it->second);
      m_refs.push_back(std::move(r));
    }
    std::sort(m_up[i].begin(), m_up[i].end());
    m_up[i].erase(std::unique(m_up[i].begin(), m_up[i].end()), m_up[i].end());
    for (auto u : m_up[i]) m_down[u].push_back(i);  // i increases: downstream lists stay sorted
  }
}

std::optional<std::size_t> WorkflowGraph::index(std::string_view id) const {
  auto it = m_index.find(std::string(id));
  if (it == m_index.end()) return std::nullopt;
  return it->second;
}

std::set<std::string> WorkflowGraph::closure(std::string_view id, bool up) const {
  std::set<std::string> out;
  const auto start = index(id);
  if (!start) return out;
  std::vector<bool> seen(size(), false);
  std::vector<std::size_t> todo{*start};
  seen[*start] = true;
  while (!todo.empty()) {
    const std::size_t cur = todo.back();
    todo.pop_back();
    for (auto next : up ? m_up[cur] : m_down[cur])
      if (!seen[next]) {
        seen[next] = true;
        out.insert(m_ids[next]);
        todo.push_back(next);
      }
  }
  return out;
}

std::set<std::string> WorkflowGraph::allUpstream(std::string_view id) const {
  return closure(id, true);
}
std::set<std::string> WorkflowGraph::allDownstream(std::string_view id) const {
  return closure(id, false);
}

bool WorkflowGraph::dependsOn(std::string_view step, std::string_view ancestor) const {
  return allUpstream(step).count(std::string(ancestor)) > 0;
}

bool WorkflowGraph::wouldCreateCycle(std::string_view from, std::string_view to) const {
  return from == to || dependsOn(from, to);
}

std::optional<std::vector<std::size_t>> WorkflowGraph::topologicalOrder() const {
  // Kahn's algorithm with the smallest ready index first: ties keep the workflow's order.
  std::vector<std::size_t> waiting(size());
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < size(); ++i)
    if ((waiting[i] = m_up[i].size()) == 0) ready.push(i);
  std::vector<std::size_t> order;
  order.reserve(size());
  while (!ready.empty()) {
    const std::size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (auto d : m_down[i])
      if (--waiting[d] == 0) ready.push(d);
  }
  if (order.size() != size()) return std::nullopt;
  return order;
}

std::vector<DependencyCycle> WorkflowGraph::cycles() const {
  // Depth-first search with colours (0 new, 1 on the stack, 2 done), iterative so that long chains
  // cannot overflow the call stack. Upstream steps are visited in order of their ids.
  std::vector<std::vector<std::size_t>> by_id(size());
  for (std::size_t i = 0; i < size(); ++i) {
    by_id[i] = m_up[i];
    std::sort(by_id[i].begin(), by_id[i].end(),
              [&](auto a, auto b) { return m_ids[a] < m_ids[b]; });
  }
  std::vector<int> colour(size(), 0);
  std::vector<bool> reported(size(), false);
  std::vector<DependencyCycle> out;
  std::vector<std::size_t> stack;  // the current path
  std::vector<std::size_t> next;   // per entry of `stack`: the next upstream step to look at
  for (std::size_t root = 0; root < size(); ++root) {
    if (colour[root] != 0) continue;
    colour[root] = 1;
    stack.assign(1, root);
    next.assign(1, 0);
    while (!stack.empty()) {
      const std::size_t cur = stack.back();
      if (next.back() == by_id[cur].size()) {
        colour[cur] = 2;
        stack.pop_back();
        next.pop_back();
        continue;
      }
      const std::size_t dep = by_id[cur][next.back()++];
      if (colour[dep] == 1) {
        if (!reported[dep]) {
          reported[dep] = true;
          DependencyCycle c;
          c.step = m_ids[cur];
          for (auto it = std::find(stack.begin(), stack.end(), dep); it != stack.end(); ++it)
            c.path.push_back(m_ids[*it]);
          c.path.push_back(m_ids[dep]);
          out.push_back(std::move(c));
        }
      } else if (colour[dep] == 0) {
        colour[dep] = 1;
        stack.push_back(dep);
        next.push_back(0);
      }
    }
  }
  return out;
}

}  // namespace sciagents::core
