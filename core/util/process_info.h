#pragma once

// The current process as the operating system sees it, on POSIX and Windows alike.
namespace sciagents::core {
long currentProcessId();  // getpid() / _getpid()
bool stderrIsTerminal();  // isatty(stderr): progress bars only on a terminal
}  // namespace sciagents::core
