#include "server/shutdown_signal.h"

#include <csignal>
#include <stdexcept>

#if defined(_WIN32)
#include <chrono>
#include <thread>
#else
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace sciagents::server {

namespace {
std::string signalName(int sig) {
  if (sig == SIGTERM) return "SIGTERM";
  if (sig == SIGINT) return "SIGINT";
#if defined(SIGBREAK)
  if (sig == SIGBREAK) return "SIGBREAK";
#endif
  return "signal " + std::to_string(sig);
}
}  // namespace

#if defined(_WIN32)

// The C runtime runs SIGINT/SIGBREAK handlers on a thread of their own: a lock-free flag the
// waiting thread polls is all the handler touches.
namespace {
volatile std::sig_atomic_t g_signal = 0;
extern "C" void onShutdownSignal(int sig) { g_signal = sig; }
}  // namespace

ShutdownSignal::ShutdownSignal() {
  std::signal(SIGTERM, onShutdownSignal);
  std::signal(SIGINT, onShutdownSignal);
  std::signal(SIGBREAK, onShutdownSignal);
}

std::string ShutdownSignal::wait() {
  while (g_signal == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGBREAK, SIG_IGN);
  return signalName(g_signal);
}

#else

// The handler writes the signal number to a pipe the main thread reads. (Blocking the signals for
// sigwait() is not enough: libraries such as OpenBLAS may start threads at load time whose signal
// mask we do not control, and a signal delivered there would kill the process.)
// The main thread waits in poll(), not read(): poll is never restarted after a handler, even with
// SA_RESTART. That matters under ThreadSanitizer, which runs a handler only when the interrupted
// call returns: a restarted read() never returns, and the signal would be lost.
namespace {
int g_signal_pipe[2] = {-1, -1};
extern "C" void onShutdownSignal(int sig) {
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] const auto n = write(g_signal_pipe[1], &b, 1);  // async-signal-safe
}
}  // namespace

ShutdownSignal::ShutdownSignal() {
  if (g_signal_pipe[0] < 0 && pipe(g_signal_pipe) != 0)
    throw std::runtime_error("cannot create the signal pipe");
  struct sigaction sa {};
  sa.sa_handler = onShutdownSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::string ShutdownSignal::wait() {
  unsigned char sig = 0;
  for (;;) {
    pollfd readable{g_signal_pipe[0], POLLIN, 0};
    if (poll(&readable, 1, -1) > 0 && read(g_signal_pipe[0], &sig, 1) == 1) break;
  }
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  return signalName(sig);
}

#endif

}  // namespace sciagents::server
