#include "core/agents/external/command_workdir.h"

#include "core/util/error.h"

#include <cctype>
#include <cerrno>
#include <cstring>

#if !defined(_WIN32)
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sciagents::core::agents::external {

namespace fs = std::filesystem;

namespace {

fs::path temporaryRoot() {
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
#if !defined(_WIN32)
  return tmp /
         ("sciagents-external-" + std::to_string(::getuid()) + "-" + std::to_string(::getpid()));
#else
  return tmp / "sciagents-external";
#endif
}

// The root exists and is a directory of ours (0700 when it is the per-process temp folder).
void ensureRoot(const fs::path& root, bool temporary) {
  for (int attempt = 0;; ++attempt) {
    std::error_code ec;
    fs::create_directories(root, ec);
#if !defined(_WIN32)
    struct stat st {};
    if (::lstat(root.c_str(), &st) != 0) {
      // ENOENT: a thread that ended removed the empty per-process folder in between.
      if (errno == ENOENT && attempt < 3) continue;
    } else if (S_ISDIR(st.st_mode) && st.st_uid == ::geteuid()) {
      if (temporary && (st.st_mode & 0777) != 0700) ::chmod(root.c_str(), 0700);
      return;
    }
    throw Error(ErrorCode::RunFailed, "cannot use '" + root.string() +
                                          "' for work directories: it is not a directory owned "
                                          "by this user");
#else
    (void)temporary;
    return;
#endif
  }
}

std::string stemOf(const std::string& step) {
  std::string stem;
  for (char c : step)
    stem += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  if (stem.empty()) stem = "eval";
  return stem.substr(0, 40);
}

fs::path makeDir(const fs::path& root, bool temporary, const std::string& stem) {
  for (int attempt = 0;; ++attempt) {
    ensureRoot(root, temporary);
    std::string templ = (root / (stem + "-XXXXXX")).string();
#if !defined(_WIN32)
    if (::mkdtemp(templ.data())) return templ;
    // ENOENT: a thread that ended removed the empty per-process folder; create it again.
    if (errno != ENOENT || attempt == 3)
      throw Error(ErrorCode::RunFailed, "cannot create a work directory in '" + root.string() +
                                            "': " + std::strerror(errno));
#else
    fs::create_directories(templ);
    return templ;
#endif
  }
}

// An empty directory of ours, as mkdtemp left it (so a parked one may be handed out again).
bool emptyDirOfOurs(const fs::path& dir) {
#if !defined(_WIN32)
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() ||
      (st.st_mode & 07777) != 0700)
    return false;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return false;
  bool empty = true;
  while (const dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  ::closedir(d);
  return empty;
#else
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
#endif
}

// The parked directory of this thread (at most one), removed when the thread ends.
struct Parked {
  fs::path root, dir;
  std::string stem;
  bool temporary = false;

  void drop() {
    if (dir.empty()) return;
    std::error_code ec;
    fs::remove(dir, ec);                  // only when still empty
    if (temporary) fs::remove(root, ec);  // the per-process folder goes with its last directory
    dir.clear();
  }
  ~Parked() { drop(); }
};

thread_local Parked t_parked;

}  // namespace

fs::path acquireWorkDir(const fs::path& given_root, const std::string& step) {
  const bool temporary = given_root.empty();
  const fs::path root = temporary ? temporaryRoot() : given_root;
  const std::string stem = stemOf(step);
  Parked& p = t_parked;
  if (!p.dir.empty()) {
    if (p.root == root && p.stem == stem && emptyDirOfOurs(p.dir)) {
      fs::path dir;
      dir.swap(p.dir);  // handed out: no longer parked
      return dir;
    }
    p.drop();
  }
  return makeDir(root, temporary, stem);
}

void releaseWorkDir(const fs::path& dir) {
  std::error_code ec;
  Parked& p = t_parked;
  p.drop();
  if (!emptyDirOfOurs(dir)) {  // the program left files (or changed the directory's mode)
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      fs::remove_all(it->path(), ec);
    if (!emptyDirOfOurs(dir)) {  // something could not be removed
      fs::remove_all(dir, ec);
      return;
    }
  }
  p.dir = dir;
  p.root = dir.parent_path();
  const std::string name = dir.filename().string();
  p.stem = name.substr(0, name.size() - 7);  // without "-XXXXXX"
  p.temporary = p.root == temporaryRoot();
}

}  // namespace sciagents::core::agents::external
