// Writing a file whose name a user gave (`sciagents run -o OUT`, sidecar .npy files, exports, the
// result cache) so that the name cannot be turned against another file:
//  - the data goes to a new temporary file next to the target, created with
//    O_CREAT|O_EXCL|O_NOFOLLOW and a random name (a link planted there is never followed), then is
//    fsync'ed (unless asked not to) and renamed over the target: readers see the old file or the
//    complete new one;
//  - the target must be a regular file or not exist: a directory, device, FIFO or socket is
//  refused,
//    and so is a symbolic link (policy: the link is neither followed nor replaced; give the real
//    path, or remove the link, to write there);
//  - the new file gets the replaced file's permission bits, or for a new file 0666 minus the
//    umask, unless a mode is given (the server's cache files: 0600).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace sciagents::core {

// Why `target` cannot be replaced by writeFileSafely, e.g. "is a FIFO (named pipe), not a regular
// file"; empty when it can (a regular file, or nothing there yet).
std::string outputTargetProblem(const std::filesystem::path& target);

struct SafeWriteOptions {
  int mode = -1;     // permission bits of the new file; -1: the policy above
  bool sync = true;  // fsync the data before the rename
};

// Streams data to a temporary file and puts it in place on commit(); without commit() (an
// exception, an early return) the temporary file is removed and the target is untouched.
// Every failure throws std::runtime_error with the reason (it names the target only when a
// temporary file is involved: callers name the target themselves).
class SafeFileWriter {
 public:
  explicit SafeFileWriter(std::filesystem::path target, SafeWriteOptions options = {});
  SafeFileWriter(const SafeFileWriter&) = delete;
  SafeFileWriter& operator=(const SafeFileWriter&) = delete;
  ~SafeFileWriter();

  void write(const void* data, std::size_t size);
  void commit();

 private:
  std::filesystem::path m_target;
  std::filesystem::path m_temp;
  SafeWriteOptions m_options;
  int m_fd = -1;
  int m_final_mode = 0;
};

// Whole-text form. Returns false with `error` (the reason, as above) on failure.
bool writeFileSafely(const std::filesystem::path& target, const std::string& text,
                     std::string* error = nullptr, SafeWriteOptions options = {});

}  // namespace sciagents::core
