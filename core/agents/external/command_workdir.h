// Work directories of `external.command` evaluations. Each evaluation gets an empty directory of
// its own inside the run's work root (the policy's work_root, else a per-process folder under the
// system temp dir, 0700). Creating and removing directories is costly on a busy disk (an rmdir
// took ~4 ms on ext4 here), so a directory that ends an evaluation empty, or is emptied because
// `keep` does not keep it, is parked and handed to the next evaluation of the same step on the
// same thread instead of being removed: that evaluation still starts in an empty directory of its
// own. A parked directory is removed when the thread ends or moves on to another root or step;
// the per-process root goes with the last one.
#pragma once

#include <filesystem>
#include <string>

namespace sciagents::core::agents::external {

// `root` empty: the per-process folder under the system temp dir. Throws Error(RunFailed) when no
// directory can be made.
std::filesystem::path acquireWorkDir(const std::filesystem::path& root, const std::string& step);

// After an evaluation that does not keep its directory: the contents go, the (now empty) directory
// is parked for the next evaluation on this thread.
void releaseWorkDir(const std::filesystem::path& dir);

}  // namespace sciagents::core::agents::external
