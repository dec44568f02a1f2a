// Sweep values and how a sweep value is applied to a step's params.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace sciagents::core {

class Value;

// The values of a sweep: an explicit list, or a {"linspace"|"logspace": [a, b, n]} range whose
// values are generated on demand (a million-point range costs a few bytes until it runs, and
// size() counts its points without materialising them). Serialises as written (to_json gives the
// list or the range object), so a stored workflow stays as small as the request was.
class SweepValues {
 public:
  enum class Kind { List, Linspace, Logspace };

  SweepValues() = default;
  explicit SweepValues(std::vector<nlohmann::json> list);
  // A range of `count` points from a to b (logspace: 10^a .. 10^b), the end point exact.
  static SweepValues range(Kind kind, double a, double b, std::size_t count);

  Kind kind() const { return m_kind; }
  std::size_t size() const { return m_kind == Kind::List ? m_list.size() : m_count; }
  bool empty() const { return size() == 0; }
  // Value #i (0-based, i < size()); computed for ranges with numpy.linspace's formula.
  nlohmann::json operator[](std::size_t i) const;
  // The values as written: the list, or {"linspace": [a, b, n]} / {"logspace": [a, b, n]}.
  nlohmann::json spec() const;

  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = nlohmann::json;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = nlohmann::json;
    const_iterator(const SweepValues* v, std::size_t i) : m_v(v), m_i(i) {}
    nlohmann::json operator*() const { return (*m_v)[m_i]; }
    const_iterator& operator++() {
      ++m_i;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return m_i == o.m_i; }
    bool operator!=(const const_iterator& o) const { return m_i != o.m_i; }

   private:
    const SweepValues* m_v;
    std::size_t m_i;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

 private:
  Kind m_kind = Kind::List;
  std::vector<nlohmann::json> m_list;
  double m_a = 0, m_b = 0;
  std::size_t m_count = 0;
};

void to_json(nlohmann::json& j, const SweepValues& v);

// One varied parameter of a grid or zip sweep.
struct SweepAxis {
  std::string param;   // parameter path (param_path.h)
  SweepValues values;  // a list or a range
};

// A step's sweep (docs/workflow-format.md "Sweeps"):
//   One:    {"param": P, "values": V}                      one parameter, one point per value
//   Grid:   {"grid": [{"param", "values"}, ...]}           every combination, the last axis fastest
//   Zip:    {"zip": [{"param", "values"}, ...]}            the i-th value of every axis together
//   Design: {"design": {"from": "STEP.OUTPUT"}, "params": [P, ...]}
//           the rows of another step's matrix output (an LHS or Sobol sample), column j setting
//           params[j]; the number of points is known when that step has finished.
struct SweepSpec {
  enum class Mode { One, Grid, Zip, Design };
  Mode mode = Mode::One;
  std::string param;                       // One
  SweepValues values;                      // One
  std::vector<SweepAxis> axes;             // Grid, Zip (in the order written)
  std::string design_from;                 // Design: the link text, "lhs.samples"
  std::vector<std::string> design_params;  // Design: the path each column sets

  // Every path a point sets, in column order.
  std::vector<std::string> paths() const;
  // The number of points; 0 for a design (known only at run time: SweepPoints).
  std::size_t pointCount() const;
  // A short description: "constants.k", "grid constants.k × c", "zip a, b",
  // "design lhs.samples → a, b".
  std::string label() const;
  // The sweep as written (ranges kept as ranges).
  nlohmann::json spec() const;
};

// A sweep's points, resolved: for a design, from the matrix its step produced.
class SweepPoints {
 public:
  // `design` is the value of design_from (a Matrix n×d or, for one param, a Vector); ignored for
  // the other modes. Throws Error(InvalidInput) naming the sweep when the design does not fit.
  explicit SweepPoints(const SweepSpec& spec, const Value* design = nullptr);

  std::size_t size() const { return m_size; }
  const std::vector<std::string>& paths() const { return m_paths; }
  // The value column `column` takes at point `point`.
  nlohmann::json value(std::size_t point, std::size_t column) const;
  // Sets every column's value of point `point` in `params`; false with `error` as
  // applySweepValue does.
  bool apply(nlohmann::json& params, std::size_t point, std::string* error) const;

 private:
  const SweepSpec* m_spec;
  const Value* m_design;
  std::vector<std::string> m_paths;
  std::size_t m_size = 0;
};

// Sets the parameter path (param_path.h: "constants.k", "x0[1]", "a.b[2].c") inside `params` to
// `value`: missing keys are created, list elements must exist. Returns false with `error`
// ("sweep parameter path 'x0[5]', position 3: index 5 out of range ...") when it cannot be applied.
bool applySweepValue(nlohmann::json& params, const std::string& path, const nlohmann::json& value,
                     std::string* error);

}  // namespace sciagents::core
