#include "core/util/safe_file_write.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <system_error>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sciagents::core {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

std::string randomSuffix() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// ".NAME.tmp-<random>" in the target's directory: same filesystem, so rename() is atomic.
fs::path temporaryNameFor(const fs::path& target) {
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + randomSuffix());
}

#if !defined(_WIN32)
std::string kindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

// The process umask without changing it for other threads: Linux reports it in /proc; elsewhere
// it is set and restored at once.
mode_t currentUmask() {
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    unsigned int mask = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f))
      found = std::sscanf(line, "Umask: %o", &mask) == 1;
    std::fclose(f);
    if (found) return static_cast<mode_t>(mask);
  }
  const mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}
#endif

}  // namespace

std::string outputTargetProblem(const fs::path& target) {
  if (target.empty()) return "no file name given";
#if defined(_WIN32)
  std::error_code ec;
  const auto st = fs::symlink_status(target, ec);
  if (ec || st.type() == fs::file_type::not_found || st.type() == fs::file_type::regular) return {};
  if (st.type() == fs::file_type::symlink)
    return "is a symbolic link; give the path it points to, or remove the link";
  return "is not a regular file";
#else
  struct stat st {};
  if (::lstat(target.c_str(), &st) != 0)
    return errno == ENOENT ? std::string() : std::string(std::strerror(errno));
  if (S_ISREG(st.st_mode)) return {};
  if (S_ISLNK(st.st_mode))
    return "is a symbolic link; it is not followed: give the path it points to, or remove the link";
  return "is " + kindOf(st.st_mode) + ", not a regular file; refusing to replace it";
#endif
}

SafeFileWriter::SafeFileWriter(fs::path target, SafeWriteOptions options)
    : m_target(std::move(target)), m_options(options) {
  if (const std::string why = outputTargetProblem(m_target); !why.empty()) fail(why);
#if defined(_WIN32)
  m_temp = temporaryNameFor(m_target);
  m_final_mode = options.mode;
#else
  struct stat st {};
  if (::lstat(m_target.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    m_final_mode = static_cast<int>(st.st_mode & 07777);
  else
    m_final_mode = static_cast<int>(0666 & ~currentUmask());
  if (options.mode >= 0) m_final_mode = options.mode;
  for (int attempt = 0; m_fd < 0; ++attempt) {
    m_temp = temporaryNameFor(m_target);
    m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (m_fd < 0 && (errno != EEXIST || attempt >= 16)) {
      const std::string dir = m_temp.parent_path().empty() ? "." : m_temp.parent_path().string();
      fail("cannot create a temporary file in '" + dir + "': " + std::strerror(errno));
    }
  }
#endif
}

SafeFileWriter::~SafeFileWriter() {
#if !defined(_WIN32)
  if (m_fd >= 0) {
    ::close(m_fd);
    ::unlink(m_temp.c_str());
  }
#else
  if (!m_temp.empty()) {
    std::error_code ec;
    fs::remove(m_temp, ec);
  }
#endif
}

void SafeFileWriter::write(const void* data, std::size_t size) {
#if defined(_WIN32)
  std::ofstream out(m_temp, std::ios::binary | std::ios::app);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) fail("cannot write '" + m_temp.string() + "'");
#else
  if (m_fd < 0) fail("write after commit");
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(m_fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write '" + m_temp.string() + "': " + std::strerror(errno));
    p += n;
    size -= static_cast<std::size_t>(n);
  }
#endif
}

void SafeFileWriter::commit() {
#if defined(_WIN32)
  std::error_code ec;
  fs::rename(m_temp, m_target, ec);
  if (ec) fail("cannot rename '" + m_temp.string() + "': " + ec.message());
  m_temp.clear();
#else
  if (m_fd < 0) fail("commit twice");
  if (::fchmod(m_fd, static_cast<mode_t>(m_final_mode)) != 0)
    fail("cannot set the mode of '" + m_temp.string() + "': " + std::strerror(errno));
  if (m_options.sync && ::fsync(m_fd) != 0)
    fail("cannot write '" + m_temp.string() + "' to disk: " + std::strerror(errno));
  if (::close(m_fd) != 0) {
    m_fd = -1;
    ::unlink(m_temp.c_str());
    fail("cannot write '" + m_temp.string() + "': " + std::strerror(errno));
  }
  m_fd = -1;
  // The target may have changed since the check: rename() never writes through a link or into a
  // device; it replaces the name. Re-check so a special file planted meanwhile is still refused.
  if (const std::string why = outputTargetProblem(m_target); !why.empty()) {
    ::unlink(m_temp.c_str());
    fail(why);
  }
  if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
    const int err = errno;
    ::unlink(m_temp.c_str());
    fail("cannot rename '" + m_temp.string() + "' into place: " + std::strerror(err));
  }
#endif
}

bool writeFileSafely(const fs::path& target, const std::string& text, std::string* error,
                     SafeWriteOptions options) {
  try {
    SafeFileWriter w(target, options);
    w.write(text.data(), text.size());
    w.commit();
    return true;
  } catch (const std::exception& e) {
    if (error) *error = e.what();
    return false;
  }
}

}  // namespace sciagents::core
