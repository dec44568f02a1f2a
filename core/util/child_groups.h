// The process groups of the programs this process started and has not reaped yet (external
// models, their Python workers). A process that must die at once (a server job worker on SIGTERM)
// kills them from its signal handler first, so no program outlives the job that started it.
#pragma once

namespace sciagents::core {

// Called by the code that starts a child in its own process group / after it reaped it.
// Thread-safe and lock-free; at most a few hundred groups are tracked (the rest are not).
void trackChildGroup(int pgid);
void untrackChildGroup(int pgid);

// Sends `sig` to every tracked group. Async-signal-safe (kill(2) on a fixed array).
void signalChildGroups(int sig);

// Whether `pgid` is tracked. A child runs from exec on, but its starter tracks it only once vfork
// has returned: what must see it tracked (a test) waits for this.
bool childGroupTracked(int pgid);

}  // namespace sciagents::core
