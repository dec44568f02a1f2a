// The Python side of the worker protocol (python_protocol.h), passed to `python -u -c`.
#pragma once

namespace sciagents::core::agents::external {

const char* pythonWorkerScript();

}  // namespace sciagents::core::agents::external
