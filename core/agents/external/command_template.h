// {{name}} placeholders in template files and argv entries of `external.command`: replaced by the
// input's value, in the shortest form that reads back exactly, or with a printf-style format
// ({{name:%.6e}}); a vector input gives its elements separated by spaces, {{name[i]}} one element.
#pragma once

#include "core/value/value.h"

#include <string>

namespace sciagents::core::agents::external {

// `param` and `where` name the source in errors, e.g. param "templates[0]", where "template
// 'in.tpl'". An unknown name or a bad format is a paramError(param, ...) naming the line.
std::string fillPlaceholders(const std::string& text, const Map& inputs, const std::string& param,
                             const std::string& where);

// Checks a printf-style number format such as "%.6e", "%10.4f", "%g" or "%d"; returns the problem
// or "" when it is usable.
std::string checkNumberFormat(const std::string& format);

}  // namespace sciagents::core::agents::external
