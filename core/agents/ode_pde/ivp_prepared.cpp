// ode_pde.ivp prepared for a step-model study (core/agent/prepared_task.h): the template's params
// are read, checked and compiled once; a sample whose input paths are constants ("constants.k")
// and initial values ("y0[0]") binds its values and runs the same solve as the task (constants are
// variables of the compiled rhs, Jacobian and events, OdeFunctions). Each thread leases its own
// compiled functions.
#include "core/agents/ode_pde/ivp_problem.h"
#include "core/agents/ode_pde/ivp_solvers.h"
#include "core/util/error.h"
#include "core/workflow/param_path.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sciagents::core::agents::ode {

namespace {

// Where a sample's value goes: a bound constant or an element of y0.
struct Slot {
  bool constant = false;
  std::size_t index = 0;  // position in p.constants (OdeFunctions::bind), or in y0
  std::string name;       // the constant's name
};

class PreparedIvp final : public PreparedTask {
 public:
  PreparedIvp(Problem p, std::vector<std::string> warnings, std::vector<Slot> slots,
              std::unique_ptr<OdeFunctions> compiled)
      : m_p(std::move(p)), m_warnings(std::move(warnings)), m_slots(std::move(slots)) {
    m_free.push_back(std::move(compiled));
    m_sets_y0 =
        std::any_of(m_slots.begin(), m_slots.end(), [](const Slot& s) { return !s.constant; });
  }

  void run(TaskContext& ctx, std::span<const double> values, bool diagnostics) const override {
    if (values.size() != m_slots.size())
      throw Error(ErrorCode::RunFailed,
                  "internal: prepared ivp called with the wrong number of values");
    Lease f(*this);
    // The checks readProblem makes of these params, with its messages.
    for (std::size_t k = 0; k < m_slots.size(); ++k) {
      const Slot& s = m_slots[k];
      if (!s.constant) continue;
      if (!std::isfinite(values[k]))
        throw paramError("constants",
                         "constant '" + s.name + "' is " + fmt(values[k]) + "; it must be finite");
      f->bind(s.index, values[k]);
    }
    if (!m_sets_y0) return solve(ctx, m_p, *f, diagnostics);
    Problem p = m_p;
    for (std::size_t k = 0; k < m_slots.size(); ++k)
      if (!m_slots[k].constant) p.y0[static_cast<Eigen::Index>(m_slots[k].index)] = values[k];
    for (Eigen::Index i = 0; i < p.y0.size(); ++i)
      if (!std::isfinite(p.y0[i]))
        throw paramError("y0", "element " + std::to_string(i) + " is " + fmt(p.y0[i]) +
                                   "; every value must be finite");
    solve(ctx, p, *f, diagnostics);
  }

 private:
  void solve(TaskContext& ctx, const Problem& p, OdeFunctions& f, bool diagnostics) const {
    const Eigen::Index n = p.n();
    std::vector<double> dy(static_cast<std::size_t>(n));
    f.rhs(p.t0, p.y0.data(), dy.data());
    for (Eigen::Index i = 0; i < n; ++i)
      if (!std::isfinite(dy[static_cast<std::size_t>(i)]))
        throw paramError("rhs", rhsLabel(p, i) + " evaluates to " +
                                    fmt(dy[static_cast<std::size_t>(i)]) + " at t0 = " + fmt(p.t0) +
                                    ", y0");
    solveAndReport(ctx, p, f, m_warnings, diagnostics);
  }

  // Compiled functions for one thread, returned to the pool afterwards.
  class Lease {
   public:
    explicit Lease(const PreparedIvp& owner) : m_owner(owner) {
      {
        std::lock_guard lock(owner.m_mutex);
        if (!owner.m_free.empty()) {
          m_f = std::move(owner.m_free.back());
          owner.m_free.pop_back();
        }
      }
      if (!m_f) m_f = std::make_unique<OdeFunctions>(owner.m_p);
    }
    ~Lease() {
      std::lock_guard lock(m_owner.m_mutex);
      m_owner.m_free.push_back(std::move(m_f));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    OdeFunctions* operator->() const { return m_f.get(); }
    OdeFunctions& operator*() const { return *m_f; }

   private:
    const PreparedIvp& m_owner;
    std::unique_ptr<OdeFunctions> m_f;
  };

  Problem m_p;
  std::vector<std::string> m_warnings;
  std::vector<Slot> m_slots;
  bool m_sets_y0 = false;
  mutable std::mutex m_mutex;
  mutable std::vector<std::unique_ptr<OdeFunctions>> m_free;
};

// "constants.NAME" or "y0[i]" (i may count from the end; core/workflow/param_path.h); nothing for
// any other path.
std::optional<Slot> slotOf(const std::string& text, const Problem& p) {
  const auto path = ParamPath::parse(text);
  if (!path || path->size() != 2) return std::nullopt;
  const PathSegment& head = path->segments()[0];
  const PathSegment& last = path->segments()[1];
  if (head.key == "constants" && !last.is_index) {
    const auto it = p.constants.find(last.key);
    if (it == p.constants.end()) return std::nullopt;
    return Slot{true, static_cast<std::size_t>(std::distance(p.constants.begin(), it)), last.key};
  }
  if (head.key != "y0" || !last.is_index) return std::nullopt;
  const long long n = p.n(), i = last.index;
  if (i >= n || i < -n) return std::nullopt;
  return Slot{false, static_cast<std::size_t>(i < 0 ? n + i : i), {}};
}

}  // namespace

std::shared_ptr<const PreparedTask> prepareIvp(const TaskContext& ctx,
                                               const std::vector<std::string>& paths) {
  std::unique_ptr<OdeFunctions> compiled;
  Problem p = readProblem(ctx, &compiled);
  std::vector<Slot> slots;
  for (const auto& path : paths) {
    auto slot = slotOf(path, p);
    if (!slot) return nullptr;
    for (const Slot& s : slots)  // a path given twice: the generic path applies them in order
      if (s.constant == slot->constant && s.index == slot->index) return nullptr;
    slots.push_back(std::move(*slot));
  }
  std::vector<std::string> warnings = settleTolerances(p);
  return std::make_shared<PreparedIvp>(std::move(p), std::move(warnings), std::move(slots),
                                       std::move(compiled));
}

}  // namespace sciagents::core::agents::ode
