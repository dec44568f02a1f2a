#include "core/util/child_groups.h"

#include <atomic>
#include <csignal>

#ifndef _WIN32
#include <signal.h>
#endif

namespace sciagents::core {

namespace {
constexpr int kSlots = 512;
std::atomic<int> g_groups[kSlots];  // 0: free
}  // namespace

void trackChildGroup(int pgid) {
  if (pgid <= 0) return;
  for (auto& slot : g_groups) {
    int expected = 0;
    if (slot.compare_exchange_strong(expected, pgid)) return;
  }
}

void untrackChildGroup(int pgid) {
  if (pgid <= 0) return;
  for (auto& slot : g_groups) {
    int expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void signalChildGroups(int sig) {
#ifndef _WIN32
  for (auto& slot : g_groups)
    if (const int g = slot.load(); g > 0) ::kill(-g, sig);
#else
  (void)sig;
#endif
}

bool childGroupTracked(int pgid) {
  for (const auto& slot : g_groups)
    if (pgid > 0 && slot.load() == pgid) return true;
  return false;
}

}  // namespace sciagents::core
