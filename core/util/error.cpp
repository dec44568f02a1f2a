#include "core/util/error.h"

namespace sciagents::core {

namespace {
std::string compose(const std::string& message, const std::string& step, const std::string& param) {
  std::string prefix;
  if (!step.empty()) prefix += "step '" + step + "'";
  if (!param.empty()) prefix += std::string(prefix.empty() ? "" : ", ") + "param '" + param + "'";
  return prefix.empty() ? message : prefix + ": " + message;
}
}  // namespace

Error::Error(ErrorCode code, std::string message, std::string step, std::string param)
    : std::runtime_error(compose(message, step, param)),
      m_code(code),
      m_step(std::move(step)),
      m_param(std::move(param)),
      m_bare(std::move(message)) {}

}  // namespace sciagents::core
