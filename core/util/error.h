// One error type across the core. Messages name the step, the parameter, the value and what was
// expected; the CLI maps the code to its exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace sciagents::core {

enum class ErrorCode {
  InvalidInput,  // bad workflow, parameter or value (CLI exit 2)
  Planned,       // agent task declared but not built yet (CLI exit 2)
  RunFailed,     // the computation itself failed (CLI exit 1)
  Cancelled,     // stopped on request (CLI exit 1)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string step = {}, std::string param = {});
  ErrorCode code() const { return m_code; }
  const std::string& step() const { return m_step; }
  const std::string& param() const { return m_param; }
  const std::string& bareMessage() const { return m_bare; }

 private:
  ErrorCode m_code;
  std::string m_step;
  std::string m_param;
  std::string m_bare;
};

// Thrown by agents for a bad parameter; the engine adds the step id.
inline Error paramError(const std::string& param, const std::string& message) {
  return Error(ErrorCode::InvalidInput, message, {}, param);
}

// Thrown when a run must stop because cancellation was requested.
inline Error cancelledError() { return Error(ErrorCode::Cancelled, "cancelled"); }

}  // namespace sciagents::core
