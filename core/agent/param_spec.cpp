#include "core/agent/param_spec.h"

#include "core/agent/model_evaluator.h"
#include "core/agent/native_function.h"
#include "core/util/error.h"
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace sciagents::core {

std::string_view paramTypeName(ParamType t) {
  switch (t) {
    case ParamType::Number:
      return "number";
    case ParamType::Integer:
      return "integer";
    case ParamType::Boolean:
      return "boolean";
    case ParamType::String:
      return "string";
    case ParamType::Choice:
      return "choice";
    case ParamType::Expression:
      return "expression";
    case ParamType::ExpressionList:
      return "expression_list";
    case ParamType::StringList:
      return "string_list";
    case ParamType::Vector:
      return "vector";
    case ParamType::Matrix:
      return "matrix";
    case ParamType::Map:
      return "map";
    case ParamType::Any:
      return "any";
  }
  return "?";
}

ParamSpec ParamSpec::make(std::string name, ParamType type) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  return p;
}

namespace {
std::string describeValue(const Value& v) {
  if (v.isNumber()) {
    std::ostringstream s;
    s.precision(17);
    s << v.asDouble();
    return s.str();
  }
  if (v.isString()) return "\"" + v.asString() + "\"";
  auto dumped = toJson(v).dump();
  if (dumped.size() > 60) dumped = dumped.substr(0, 57) + "...";
  return std::string(v.kindName()) + " " + dumped;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

Value ParamSpec::normalise(const Value& v) const {
  auto fail = [&](const std::string& what) -> Error {
    return paramError(name, "expected " + what + ", got " + describeValue(v));
  };
  try {
    switch (type) {
      case ParamType::Number:
        if (!v.isNumber()) throw fail("a number");
        return v.asDouble();
      case ParamType::Integer:
        if (!v.isNumber()) throw fail("an integer");
        return v.asInt();
      case ParamType::Boolean:
        if (v.kind() != ValueKind::Bool) throw fail("true or false");
        return v;
      case ParamType::Choice:
        // Choices such as a norm order may be written as numbers: "norm": 2 means "2".
        if (v.kind() == ValueKind::Integer) return std::to_string(v.asInt());
        [[fallthrough]];
      case ParamType::String:
      case ParamType::Expression:
        // A step-reference model {"step", "input", "output"} (resolved by the engine) stands for an
        // expression where the task evaluates it through makeModel (optimization objectives, uq
        // models); other tasks reject it when they read the param as text.
        if (type == ParamType::Expression && (isStepModel(v) || isNativeModel(v))) return v;
        if (!v.isString())
          throw fail(type == ParamType::Expression ? "an expression string" : "a string");
        return v;
      case ParamType::ExpressionList:
        if (isStepModel(v) || isNativeModel(v)) return v;  // see Expression
        [[fallthrough]];
      case ParamType::StringList: {
        List out;
        for (auto& s : v.toStringList()) out.emplace_back(std::move(s));
        return out;
      }
      case ParamType::Vector:
        if (v.kind() == ValueKind::Matrix && v.asMatrix().rows() > 1 && v.asMatrix().cols() > 1)
          throw fail("a vector");
        if (v.kind() == ValueKind::Vector) return v;  // shares the numbers, no copy
        return v.toVector();
      case ParamType::Matrix:
        if (v.kind() == ValueKind::SparseMatrix || v.kind() == ValueKind::Matrix) return v;
        return v.toMatrix();
      case ParamType::Map:
        if (v.kind() != ValueKind::Map) throw fail("an object");
        return v;
      case ParamType::Any:
        return v;
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw paramError(name, e.what());
  }
  return v;
}

std::string ParamSpec::check(const Value& v) const {
  if (type == ParamType::Choice &&
      std::find(choices.begin(), choices.end(), v.asString()) == choices.end())
    return "expected one of " + joined(choices) + ", got " + describeValue(v);
  if ((type == ParamType::Number || type == ParamType::Integer) && v.isNumber()) {
    const double x = v.asDouble();
    if (std::isnan(x)) return "expected a number, got NaN";
    const bool below = min && (min_exclusive ? x <= *min : x < *min);
    const bool above = max && x > *max;
    if (below || above) {
      std::ostringstream s;
      s.precision(17);
      s << "value " << x << " out of range: expected ";
      if (min) s << (min_exclusive ? "> " : ">= ") << *min;
      if (min && max) s << " and ";
      if (max) s << "<= " << *max;
      return s.str();
    }
  }
  return {};
}

nlohmann::json ParamSpec::toJson() const {
  nlohmann::json j = {{"name", name}, {"type", paramTypeName(type)}, {"required", required}};
  if (default_value) j["default"] = core::toJson(*default_value);
  if (min) j[min_exclusive ? "exclusiveMinimum" : "minimum"] = *min;
  if (max) j["maximum"] = *max;
  if (!choices.empty()) j["choices"] = choices;
  if (!units.empty()) j["units"] = units;
  if (!editor.empty()) j["editor"] = editor;
  j["doc"] = doc;
  return j;
}

nlohmann::json OutputSpec::toJson() const {
  nlohmann::json j = {{"name", name}, {"kind", kindName(kind)}, {"doc", doc}};
  if (conditional) j["conditional"] = true;
  return j;
}

}  // namespace sciagents::core
