#include "core/agents/external/python_protocol.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#if !defined(_WIN32)
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sciagents::core::agents::external {

namespace fs = std::filesystem;

namespace {

#if defined(MAP_POPULATE)
constexpr int kPopulate = MAP_POPULATE;
#elif !defined(_WIN32)
constexpr int kPopulate = 0;
#endif

static_assert(sizeof(double) == 8, "float64 frames assume 8-byte doubles");

// The protocol is little-endian; every supported platform is too, so values are copied as they are.
template <class T>
void put(std::string& b, T v) {
  b.append(reinterpret_cast<const char*>(&v), sizeof v);
}

#if !defined(_WIN32)
// Closes a file descriptor and unmaps a mapping on every path out.
struct Mapping {
  int fd = -1;
  void* addr = MAP_FAILED;
  std::size_t size = 0;
  ~Mapping() {
    if (addr != MAP_FAILED) ::munmap(addr, size);
    if (fd >= 0) ::close(fd);
  }
};
#endif

// n doubles from a result's shared-memory file: the engine's own offered file (kept for reuse), or
// a file the worker made, which is removed. Only files of the shared-memory folder named
// sciagents-py-*, regular, ours and of the announced size are read: the worker runs the user's
// code and must not make the engine read or remove anything else.
bool copyEngineFile(const std::string& path, void* out, std::size_t bytes);

void readSharedResult(const std::string& path, double* out, std::size_t n) {
#if !defined(_WIN32)
  if (copyEngineFile(path, out, n * 8)) return;  // the space this engine offered for the result
  const std::string& dir = sharedMemoryDir();
  const std::string prefix = dir + "/sciagents-py-";
  if (dir.empty() || path.compare(0, prefix.size(), prefix) != 0 ||
      path.find('/', prefix.size()) != std::string::npos || path.size() > prefix.size() + 64)
    throw std::runtime_error("shared-memory result outside " + prefix + "*");
  Mapping m;
  m.fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  ::unlink(path.c_str());
  struct stat st {};
  if (m.fd < 0 || ::fstat(m.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      static_cast<std::size_t>(st.st_size) != n * 8)
    throw std::runtime_error("unreadable shared-memory result " + path);
  if (n == 0) return;
  m.size = n * 8;
  m.addr = ::mmap(nullptr, m.size, PROT_READ, MAP_SHARED | kPopulate, m.fd, 0);
  if (m.addr == MAP_FAILED) throw std::runtime_error("cannot map shared-memory result " + path);
  std::memcpy(out, m.addr, m.size);
#else
  (void)path, (void)out, (void)n;
  throw std::runtime_error("shared-memory results are not supported on this platform");
#endif
}

class Reader {
 public:
  Reader(const char* p, std::size_t n) : m_p(p), m_end(p + n) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, m_p, sizeof v);
    m_p += sizeof v;
    return v;
  }
  std::string bytes(std::size_t n) {
    need(n);
    std::string s(m_p, n);
    m_p += n;
    return s;
  }
  std::string string() { return bytes(get<std::uint32_t>()); }
  void doubles(double* out, std::size_t n) {
    if (n > static_cast<std::size_t>(m_end - m_p) / 8) throw std::runtime_error("truncated array");
    std::memcpy(out, m_p, n * 8);
    m_p += n * 8;
  }
  bool done() const { return m_p == m_end; }

  Value value(bool allow_map) {
    const char tag = get<char>();
    switch (tag) {
      case 'd':
        return get<double>();
      case 'a': {
        Vector v(static_cast<Eigen::Index>(get<std::uint32_t>()));
        doubles(v.data(), static_cast<std::size_t>(v.size()));
        return v;
      }
      case 'A': {
        const std::string path = string();
        Vector v(static_cast<Eigen::Index>(get<std::uint32_t>()));
        readSharedResult(path, v.data(), static_cast<std::size_t>(v.size()));
        return v;
      }
      case 'm': {
        const auto rows = get<std::uint32_t>(), cols = get<std::uint32_t>();
        if (cols != 0 && rows > (m_end - m_p) / 8 / cols)
          throw std::runtime_error("truncated matrix");
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m(rows, cols);
        doubles(m.data(), static_cast<std::size_t>(m.size()));
        return Matrix(m);
      }
      case 'M': {
        if (!allow_map) throw std::runtime_error("nested dict");
        Map out;
        const auto count = get<std::uint32_t>();
        for (std::uint32_t i = 0; i < count; ++i) {
          std::string key = bytes(get<std::uint16_t>());
          out[std::move(key)] = value(false);
        }
        return out;
      }
      default:
        throw std::runtime_error(std::string("unknown value tag '") + tag + "'");
    }
  }

 private:
  void need(std::size_t n) {
    if (n > static_cast<std::size_t>(m_end - m_p)) throw std::runtime_error("truncated frame");
  }
  const char* m_p;
  const char* m_end;
};

}  // namespace

#if defined(__linux__)
// Files of processes that died without cleaning up (killed, crashed): ours by owner, named
// sciagents-py-PID-... with no process PID any more. Removed once per process, at first use.
void removeStaleSharedFiles(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("sciagents-py-", 0) != 0) continue;
    const std::string rest = name.substr(13);
    const auto dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos) continue;
    char* end_ptr = nullptr;
    const long pid = std::strtol(rest.c_str(), &end_ptr, 10);
    if (end_ptr != rest.c_str() + dash || pid <= 0) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::getuid())
      continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
  }
}
#endif

const std::string& sharedMemoryDir() {
  static const std::string dir = [] {
#if defined(__linux__)
    struct stat st {};
    if (::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && ::access("/dev/shm", W_OK) == 0) {
      removeStaleSharedFiles("/dev/shm");
      return std::string("/dev/shm");
    }
#endif
    return std::string();
  }();
  return dir;
}

struct SharedArray::File {
  std::string path;
  std::size_t capacity = 0;  // bytes, all mapped
  int fd = -1;
  void* addr = nullptr;
  ~File() {
#if !defined(_WIN32)
    if (addr) ::munmap(addr, capacity);
    if (fd >= 0) ::close(fd);
#endif
  }
};

namespace {

// The engine's shared-memory files: lent to calls, then idle until a call needs one of about the
// same size (at most kIdleFiles idle, kIdleBytes in all; the rest are removed). Every file of the
// pool is removed when the process exits normally.
class SharedPool {
 public:
  static constexpr std::size_t kIdleFiles = kSharedIdleFiles;
  static constexpr std::size_t kIdleBytes = std::size_t{512} << 20;

  static SharedPool& instance() {
    static SharedPool pool;
    return pool;
  }
  ~SharedPool() {
#if !defined(_WIN32)
    for (auto& f : m_idle) ::unlink(f->path.c_str());
#endif
  }

  std::unique_ptr<SharedArray::File> acquire(std::size_t bytes) {
    {
      std::lock_guard lock(m_mutex);
      for (auto it = m_idle.begin(); it != m_idle.end(); ++it) {
        if ((*it)->capacity >= bytes && (*it)->capacity / 4 <= bytes) {
          auto f = std::move(*it);
          m_idle.erase(it);
          m_idle_bytes -= f->capacity;
          return f;
        }
      }
    }
    return make(bytes);
  }

  void release(std::unique_ptr<SharedArray::File> f) {
    std::lock_guard lock(m_mutex);
    if (m_idle.size() >= kIdleFiles || m_idle_bytes + f->capacity > kIdleBytes) {
      m_owned.erase(f->path);
#if !defined(_WIN32)
      ::unlink(f->path.c_str());
#endif
      return;
    }
    m_idle_bytes += f->capacity;
    m_idle.push_back(std::move(f));
  }

  // Copies `bytes` from one of the pool's files (lent or idle); false when `path` is none of them.
  // Under the lock: a file leaves m_owned before it is unmapped.
  bool copyFrom(const std::string& path, void* out, std::size_t bytes) {
    std::lock_guard lock(m_mutex);
    auto it = m_owned.find(path);
    if (it == m_owned.end() || bytes > it->second.second) return false;
    std::memcpy(out, it->second.first, bytes);
    return true;
  }

 private:
  std::unique_ptr<SharedArray::File> make(std::size_t bytes) {
#if !defined(_WIN32)
    const std::string& dir = sharedMemoryDir();
    if (dir.empty() || bytes == 0) return nullptr;
    static std::atomic<std::uint64_t> counter{0};
    thread_local std::mt19937_64 rng{std::random_device{}()};
    auto f = std::make_unique<SharedArray::File>();
    f->path = dir + "/sciagents-py-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + "-" + std::to_string(rng() % 1000000007);
    f->capacity = (bytes + 65535) / 65536 * 65536;
    f->fd = ::open(f->path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f->fd < 0) return nullptr;
    void* addr = MAP_FAILED;
    if (::ftruncate(f->fd, static_cast<off_t>(f->capacity)) == 0)
      addr = ::mmap(nullptr, f->capacity, PROT_READ | PROT_WRITE, MAP_SHARED | kPopulate, f->fd, 0);
    if (addr == MAP_FAILED) {
      ::unlink(f->path.c_str());
      return nullptr;
    }
    f->addr = addr;
    std::lock_guard lock(m_mutex);
    m_owned[f->path] = {f->addr, f->capacity};
    return f;
#else
    (void)bytes;
    return nullptr;
#endif
  }

  std::mutex m_mutex;
  std::vector<std::unique_ptr<SharedArray::File>> m_idle;
  std::size_t m_idle_bytes = 0;
  std::unordered_map<std::string, std::pair<const void*, std::size_t>> m_owned;
};

bool copyEngineFile(const std::string& path, void* out, std::size_t bytes) {
  return SharedPool::instance().copyFrom(path, out, bytes);
}

}  // namespace

SharedArray::SharedArray(std::unique_ptr<File> f) : m_file(std::move(f)) {}

const std::string& SharedArray::path() const { return m_file->path; }

std::unique_ptr<SharedArray> SharedArray::create(const double* data, std::size_t n) {
  auto out = reserve(n);
  if (out) std::memcpy(out->m_file->addr, data, n * 8);
  return out;
}

std::unique_ptr<SharedArray> SharedArray::reserve(std::size_t n) {
#if !defined(_WIN32)
  if (n == 0) return nullptr;
  auto f = SharedPool::instance().acquire(n * 8);
  if (!f) return nullptr;
  return std::unique_ptr<SharedArray>(new SharedArray(std::move(f)));
#else
  (void)n;
  return nullptr;
#endif
}

SharedArray::~SharedArray() {
  if (m_file) SharedPool::instance().release(std::move(m_file));
}

CallFrameWriter::CallFrameWriter(std::uint32_t input_count, SharedArrays* shared)
    : m_shared(shared) {
  put<std::uint32_t>(m_buf, 0);  // length, filled by finish()
  m_buf.push_back('C');
  put(m_buf, input_count);
}

void CallFrameWriter::name(std::string_view n) {
  put(m_buf, static_cast<std::uint16_t>(n.size()));
  m_buf.append(n);
}

void CallFrameWriter::number(std::string_view n, double v) {
  name(n);
  m_buf.push_back('d');
  put(m_buf, v);
}

void CallFrameWriter::array(std::string_view n, const double* data, std::size_t count) {
  name(n);
  if (m_shared && count * 8 >= kSharedMinBytes) {
    if (auto file = SharedArray::create(data, count)) {
      m_buf.push_back('s');
      put(m_buf, static_cast<std::uint32_t>(file->path().size()));
      m_buf.append(file->path());
      put(m_buf, static_cast<std::uint32_t>(count));
      m_shared->push_back(std::move(file));
      return;
    }
  }
  m_buf.push_back('a');
  put(m_buf, static_cast<std::uint32_t>(count));
  m_buf.append(reinterpret_cast<const char*>(data), count * 8);
}

void CallFrameWriter::matrix(std::string_view n, const Matrix& m) {
  name(n);
  m_buf.push_back('m');
  put(m_buf, static_cast<std::uint32_t>(m.rows()));
  put(m_buf, static_cast<std::uint32_t>(m.cols()));
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
  m_buf.append(reinterpret_cast<const char*>(r.data()), static_cast<std::size_t>(r.size()) * 8);
}

void CallFrameWriter::offerResult(std::size_t n) {
  if (!m_shared || n * 8 < kSharedMinBytes) return;
  auto file = SharedArray::reserve(n);
  if (!file) return;
  m_offer.clear();
  put(m_offer, static_cast<std::uint32_t>(file->path().size()));
  m_offer.append(file->path());
  put(m_offer, static_cast<std::uint32_t>(n));
  m_shared->push_back(std::move(file));
}

std::string CallFrameWriter::finish() {
  if (!m_offer.empty()) {
    m_buf[4] = 'V';
    m_buf += m_offer;
  }
  if (m_buf.size() - 4 > kMaxFrameBytes) throw std::runtime_error("call frame larger than 1 GiB");
  const auto len = static_cast<std::uint32_t>(m_buf.size() - 4);
  std::memcpy(m_buf.data(), &len, 4);
  return std::move(m_buf);
}

std::optional<WorkerReply> ReplyBuffer::take() {
  const std::size_t avail = m_buf.size() - m_pos;
  if (avail < 4) return std::nullopt;
  std::uint32_t len;
  std::memcpy(&len, m_buf.data() + m_pos, 4);
  if (len == 0 || len > kMaxFrameBytes)
    throw std::runtime_error("bad frame length " + std::to_string(len));
  if (avail - 4 < len) return std::nullopt;
  Reader r(m_buf.data() + m_pos + 4, len);
  WorkerReply out;
  out.kind = r.get<char>();
  switch (out.kind) {
    case 'R':
      out.text = r.string();
      break;
    case 'r':
      out.value = r.value(true);
      break;
    case 'e':
      out.text = r.string();
      out.message = r.string();
      out.traceback = r.string();
      break;
    default:
      throw std::runtime_error(std::string("unknown frame kind '") + out.kind + "'");
  }
  if (!r.done()) throw std::runtime_error("trailing bytes in a frame");
  m_pos += 4 + len;
  if (m_pos == m_buf.size()) {
    m_buf.clear();
    m_pos = 0;
  } else if (m_pos > (1u << 20) && m_pos > m_buf.size() / 2) {
    m_buf.erase(0, m_pos);
    m_pos = 0;
  }
  return out;
}

}  // namespace sciagents::core::agents::external
