#include "core/agents/external/python_protocol.h"

#include <atomic>
#include <cstring>
#include <random>
#include <stdexcept>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sciagents::core::agents::external {

namespace {

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

// n doubles from a result's shared-memory file, which is removed. Only files of the shared-memory
// folder named sciagents-py-*, regular, ours and of the announced size are read: the worker runs
// the user's code and must not make the engine read or remove anything else.
void readSharedResult(const std::string& path, double* out, std::size_t n) {
#if !defined(_WIN32)
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
  m.addr = ::mmap(nullptr, m.size, PROT_READ, MAP_SHARED | MAP_POPULATE, m.fd, 0);
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

const std::string& sharedMemoryDir() {
  static const std::string dir = [] {
#if defined(__linux__)
    struct stat st {};
    if (::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && ::access("/dev/shm", W_OK) == 0)
      return std::string("/dev/shm");
#endif
    return std::string();
  }();
  return dir;
}

std::unique_ptr<SharedArray> SharedArray::create(const double* data, std::size_t n) {
#if !defined(_WIN32)
  const std::string& dir = sharedMemoryDir();
  if (dir.empty() || n == 0) return nullptr;
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string path = dir + "/sciagents-py-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter++) + "-" + std::to_string(rng() % 1000000007);
  Mapping m;
  m.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (m.fd < 0) return nullptr;
  std::unique_ptr<SharedArray> out(new SharedArray(path));  // removes the file from here on
  m.size = n * 8;
  if (::ftruncate(m.fd, static_cast<off_t>(m.size)) != 0) return nullptr;
  m.addr = ::mmap(nullptr, m.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, m.fd, 0);
  if (m.addr == MAP_FAILED) return nullptr;
  std::memcpy(m.addr, data, m.size);
  return out;
#else
  (void)data, (void)n;
  return nullptr;
#endif
}

SharedArray::~SharedArray() {
#if !defined(_WIN32)
  ::unlink(m_path.c_str());
#endif
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

std::string CallFrameWriter::finish() {
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
