// The frames exchanged with a Python worker (python_worker_script.cpp holds the other side).
//
// Every frame is a little-endian u32 payload length followed by the payload; the payload's first
// byte is its kind ('V': a call as 'C' followed by string path, u32 n: a shared-memory file the
// worker may write a 1-D result of up to n values into, replying with 'A' and that path). Numbers
// and float64 arrays travel as raw little-endian bytes (no JSON text):
//   C++ -> worker  'C' u32 count, count x (u16 name length, name, value)       one call
//   worker -> C++  'R' string (Python version, NumPy version or "none")        ready after import
//                  'r' value                                                  the call's result
//                  'e' string type, string message, string traceback tail     an exception
//   value: 'd' f64 | 'a' u32 n, n x f64 | 'm' u32 rows, u32 cols, row-major f64
//          | 's' string path, u32 n: n x f64 in a shared-memory file        (calls only)
//          | 'A' string path, u32 n: n x f64 in a shared-memory file        (results only)
//          | 'M' u32 count, count x (u16 name length, name, value)           (results only)
//   string: u32 length, UTF-8 bytes
// Large float64 arrays (kSharedMinBytes and more) travel in shared memory instead of the pipe:
// files of sharedMemoryDir() (tmpfs), mode 0600, named sciagents-py-*. The engine writes a call's
// inputs into such files, the worker maps them (numpy.frombuffer over a copy-on-write mmap: no
// copy, writable) and writes a large result into a file of its own, which the engine reads and
// removes. The engine removes its input files after the call, whatever happened to the worker.
#pragma once

#include "core/value/value.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sciagents::core::agents::external {

inline constexpr std::uint32_t kMaxFrameBytes = 1u << 30;  // 1 GiB: larger frames are refused

inline constexpr std::size_t kSharedMinBytes = 1u << 16;  // 8192 float64 values
inline constexpr std::size_t kSharedIdleFiles = 16;       // idle files kept for reuse, at most

// The folder of shared-memory files ("/dev/shm" where it is a writable directory), or "" when
// there is none (arrays then go through the pipe).
const std::string& sharedMemoryDir();

// A shared-memory file lent to one call: the engine's copy of an input array, or the space offered
// for the call's result. Files are mapped once and reused by later calls (a fresh tmpfs page costs
// far more to fault in and zero than to overwrite); idle ones are kept up to a bound and removed
// when the process exits.
class SharedArray {
 public:
  // An input array copied into a file; nullptr when no file can be made (the caller sends the
  // array through the pipe instead).
  static std::unique_ptr<SharedArray> create(const double* data, std::size_t n);
  // Room for a result of up to n values (nullptr: none).
  static std::unique_ptr<SharedArray> reserve(std::size_t n);
  ~SharedArray();  // the file goes back to the idle files
  SharedArray(const SharedArray&) = delete;
  SharedArray& operator=(const SharedArray&) = delete;
  const std::string& path() const;

  struct File;

 private:
  explicit SharedArray(std::unique_ptr<File> f);
  std::unique_ptr<File> m_file;
};
using SharedArrays = std::vector<std::shared_ptr<SharedArray>>;

// Builds one call frame (length prefix included).
class CallFrameWriter {
 public:
  // With `shared`, arrays of kSharedMinBytes and more go into shared-memory files owned by
  // `shared`, which the caller keeps until the call has been answered.
  explicit CallFrameWriter(std::uint32_t input_count, SharedArrays* shared = nullptr);
  void number(std::string_view name, double v);
  void array(std::string_view name, const double* data, std::size_t n);
  void matrix(std::string_view name, const Matrix& m);  // sent row-major
  // Offers a shared-memory file for a 1-D result of up to n values (with `shared` only, and only
  // when n values reach kSharedMinBytes): the frame becomes kind 'V', with the offer (string path,
  // u32 n) after the inputs.
  void offerResult(std::size_t n);
  std::string finish();  // the frame; the writer is spent

 private:
  void name(std::string_view n);
  std::string m_buf;
  SharedArrays* m_shared = nullptr;
  std::string m_offer;  // the trailer of a 'V' frame
};

// One decoded frame from a worker.
struct WorkerReply {
  char kind = 0;          // 'R', 'r' or 'e'
  Value value;            // 'r': number, Vector, Matrix or Map of those
  std::string text;       // 'R': versions; 'e': exception type
  std::string message;    // 'e'
  std::string traceback;  // 'e': the last lines
};

// Bytes read from a worker's stdout; frames are taken off the front as they complete.
class ReplyBuffer {
 public:
  void append(const char* data, std::size_t n) { m_buf.append(data, n); }
  // The next complete frame, if any. Throws std::runtime_error on a malformed frame (the worker is
  // then treated as broken).
  std::optional<WorkerReply> take();
  bool empty() const { return m_pos == m_buf.size(); }

 private:
  std::string m_buf;
  std::size_t m_pos = 0;
};

}  // namespace sciagents::core::agents::external
