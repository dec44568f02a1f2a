// Sweep values and how a sweep value is applied to a step's params.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

namespace sciagents::core {

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

// Sets the parameter path (param_path.h: "constants.k", "x0[1]", "a.b[2].c") inside `params` to
// `value`: missing keys are created, list elements must exist. Returns false with `error`
// ("sweep parameter path 'x0[5]', position 3: index 5 out of range ...") when it cannot be applied.
bool applySweepValue(nlohmann::json& params, const std::string& path, const nlohmann::json& value,
                     std::string* error);

}  // namespace sciagents::core
