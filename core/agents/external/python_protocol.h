// The frames exchanged with a Python worker (python_worker_script.cpp holds the other side).
//
// Every frame is a little-endian u32 payload length followed by the payload; the payload's first
// byte is its kind. Numbers and float64 arrays travel as raw little-endian bytes (no JSON text):
//   C++ -> worker  'C' u32 count, count x (u16 name length, name, value)       one call
//   worker -> C++  'R' string (Python version, NumPy version or "none")        ready after import
//                  'r' value                                                  the call's result
//                  'e' string type, string message, string traceback tail     an exception
//   value: 'd' f64 | 'a' u32 n, n x f64 | 'm' u32 rows, u32 cols, row-major f64
//          | 'M' u32 count, count x (u16 name length, name, value)           (results only)
//   string: u32 length, UTF-8 bytes
#pragma once

#include "core/value/value.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sciagents::core::agents::external {

inline constexpr std::uint32_t kMaxFrameBytes = 1u << 30;  // 1 GiB: larger frames are refused

// Builds one call frame (length prefix included).
class CallFrameWriter {
 public:
  explicit CallFrameWriter(std::uint32_t input_count);
  void number(std::string_view name, double v);
  void array(std::string_view name, const double* data, std::size_t n);
  void matrix(std::string_view name, const Matrix& m);  // sent row-major
  std::string finish();                                 // the frame; the writer is spent

 private:
  void name(std::string_view n);
  std::string m_buf;
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
