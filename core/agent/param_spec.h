// Parameter schema of an agent task: the single source for validation, CLI help, the Studio form,
// the docs page and the server's request checks.
#pragma once

#include "core/value/value.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sciagents::core {

enum class ParamType {
  Number,   // double; min/max apply
  Integer,  // int64; min/max apply
  Boolean,
  String,          // free text
  Choice,          // one of `choices`
  Expression,      // muParser expression (syntax checked at validation)
  ExpressionList,  // one expression or a list of them
  StringList,      // list of names
  Vector,          // list of numbers (elements may be links)
  Matrix,          // dense nested list or tagged sparse matrix
  Map,             // JSON object (e.g. constants)
  Any,             // anything the task checks itself
};

std::string_view paramTypeName(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Any;
  bool required = false;
  std::optional<Value> default_value;
  std::optional<double> min;  // inclusive unless min_exclusive
  std::optional<double> max;
  bool min_exclusive = false;
  std::vector<std::string> choices;
  std::string units;
  std::string doc;
  // How Studio edits the value beyond its type ("distributions": the uq inputs table); empty: by
  // type. In the schema as "editor" when set.
  std::string editor;

  // Fluent construction keeps task declarations short and readable.
  static ParamSpec make(std::string name, ParamType type);
  ParamSpec& req() {
    required = true;
    return *this;
  }
  ParamSpec& def(Value v) {
    default_value = std::move(v);
    return *this;
  }
  ParamSpec& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }
  ParamSpec& positive() {
    min = 0.0;
    min_exclusive = true;
    return *this;
  }
  ParamSpec& oneOf(std::vector<std::string> c) {
    choices = std::move(c);
    return *this;
  }
  ParamSpec& unit(std::string u) {
    units = std::move(u);
    return *this;
  }
  ParamSpec& describe(std::string d) {
    doc = std::move(d);
    return *this;
  }
  ParamSpec& editWith(std::string e) {
    editor = std::move(e);
    return *this;
  }

  // Checks a resolved value against this spec. Returns an empty string when valid, otherwise what
  // was expected and what was given (without the step/param prefix).
  std::string check(const Value& v) const;
  // Converts a resolved JSON-derived value to the canonical kind for this type
  // (e.g. list of numbers -> Vector, nested lists -> Matrix). Throws Error(InvalidInput).
  Value normalise(const Value& v) const;

  nlohmann::json toJson() const;
};

struct OutputSpec {
  std::string name;
  ValueKind kind = ValueKind::Null;
  std::string doc;
  // Present only in some runs (uq.sobol's per-component table for a vector model): documented and
  // linkable, but without a port of its own on Studio's canvas, which keeps nodes compact. In the
  // schema as "conditional": true when set.
  bool conditional = false;
  nlohmann::json toJson() const;
};

}  // namespace sciagents::core
