// NumPy .npy sidecars: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include "core/value/value_json.h"

#include "core/util/safe_file_write.h"

#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace sciagents::core {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// A header longer than this is not something we wrote and not a plain float64 array.
constexpr std::size_t kMaxHeaderLen = 1 << 16;

double toLittle(double d) {
  if constexpr (std::endian::native == std::endian::little) {
    return d;
  } else {
    const auto u = std::bit_cast<std::uint64_t>(d);
    std::uint64_t swapped = 0;
    for (int byte = 0; byte < 8; ++byte) swapped |= ((u >> (8 * byte)) & 0xffu) << (8 * (7 - byte));
    return std::bit_cast<double>(swapped);
  }
}

[[noreturn]] void bad(const std::filesystem::path& file, const std::string& what) {
  throw std::invalid_argument("invalid .npy file '" + file.string() + "': " + what);
}

// Minimal reader for the Python dict literal in the header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::filesystem::path& file)
      : m_s(text), m_file(file) {}

  void parse(std::string& descr, bool& fortran, std::vector<std::uint64_t>& shape) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') break;
      const std::string key = quoted();
      expect(':');
      skipSpace();
      if (key == "descr") {
        descr = quoted();
        have_descr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        have_fortran = true;
      } else if (key == "shape") {
        shape = tuple();
        have_shape = true;
      } else {
        bad(m_file, "unexpected header key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == '}') break;
      bad(m_file, "malformed header dictionary");
    }
    ++m_pos;
    if (!have_descr || !have_fortran || !have_shape)
      bad(m_file, "header must define 'descr', 'fortran_order' and 'shape'");
  }

 private:
  char peek() const { return m_pos < m_s.size() ? m_s[m_pos] : '\0'; }
  void skipSpace() {
    while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos]))) ++m_pos;
  }
  void expect(char c) {
    skipSpace();
    if (peek() != c) bad(m_file, std::string("malformed header: expected '") + c + "'");
    ++m_pos;
  }
  std::string quoted() {
    skipSpace();
    const char q = peek();
    if (q != '\'' && q != '"') bad(m_file, "malformed header: expected a quoted string");
    const std::size_t end = m_s.find(q, m_pos + 1);
    if (end == std::string::npos) bad(m_file, "malformed header: unterminated string");
    std::string out = m_s.substr(m_pos + 1, end - m_pos - 1);
    m_pos = end + 1;
    return out;
  }
  bool boolean() {
    if (m_s.compare(m_pos, 4, "True") == 0) {
      m_pos += 4;
      return true;
    }
    if (m_s.compare(m_pos, 5, "False") == 0) {
      m_pos += 5;
      return false;
    }
    bad(m_file, "'fortran_order' must be True or False");
  }
  std::vector<std::uint64_t> tuple() {
    expect('(');
    std::vector<std::uint64_t> dims;
    while (true) {
      skipSpace();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        bad(m_file, "'shape' must be a tuple of non-negative integers");
      std::uint64_t d = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        const auto digit = static_cast<std::uint64_t>(m_s[m_pos++] - '0');
        if (d > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
          bad(m_file, "'shape' dimension is too large");
        d = d * 10 + digit;
      }
      dims.push_back(d);
      skipSpace();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() != ')') bad(m_file, "malformed 'shape' tuple");
    }
    ++m_pos;
    return dims;
  }

  const std::string& m_s;
  const std::filesystem::path& m_file;
  std::size_t m_pos = 0;
};

}  // namespace

void writeNpy(const std::filesystem::path& file, const double* data, std::size_t rows,
              std::size_t cols, bool is_vector) {
  if (is_vector && cols != 1)
    throw std::invalid_argument("writeNpy: a vector must have cols == 1, got " +
                                std::to_string(cols));
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows) +
                       (is_vector ? ",)" : ", " + std::to_string(cols) + ")") + ", }";
  // Pad with spaces and a final newline so the data starts on a 64-byte boundary (NumPy >= 1.24).
  const std::size_t unpadded = kMagicLen + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');

  // A new file renamed into place: a link or special file at the name is refused, never written
  // through (core/util/safe_file_write.h).
  std::string bytes;
  try {
    SafeFileWriter out(file);
    const auto len = static_cast<std::uint16_t>(header.size());
    const char preamble[] = {kMagic[0],
                             kMagic[1],
                             kMagic[2],
                             kMagic[3],
                             kMagic[4],
                             kMagic[5],
                             1,
                             0,
                             static_cast<char>(len & 0xff),
                             static_cast<char>(len >> 8)};
    bytes.append(preamble, sizeof preamble);
    bytes += header;
    // `data` is column-major (Eigen); .npy C order wants rows contiguous. Written in ~1 MB pieces.
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < cols; ++c) {
        const double v = toLittle(data[c * rows + r]);
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
      }
      if (bytes.size() >= (1u << 20)) {
        out.write(bytes.data(), bytes.size());
        bytes.clear();
      }
    }
    out.write(bytes.data(), bytes.size());
    out.commit();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("cannot write '" + file.string() + "': " + e.what());
  }
}

Value readNpy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot open .npy file '" + file.string() + "'");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);

  char magic[kMagicLen + 2] = {};
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, kMagicLen) != 0)
    bad(file, "missing the \\x93NUMPY magic");
  const int major = static_cast<unsigned char>(magic[6]);
  std::uint64_t header_len = 0;
  std::size_t prefix = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) bad(file, "truncated header");
    header_len = b[0] | (b[1] << 8);
    prefix = kMagicLen + 2 + 2;
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) bad(file, "truncated header");
    header_len = std::uint64_t{b[0]} | (std::uint64_t{b[1]} << 8) | (std::uint64_t{b[2]} << 16) |
                 (std::uint64_t{b[3]} << 24);
    prefix = kMagicLen + 2 + 4;
  } else {
    bad(file, "unsupported format version " + std::to_string(major));
  }
  if (header_len > kMaxHeaderLen || prefix + header_len > file_size) bad(file, "truncated header");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    bad(file, "truncated header");

  std::string descr;
  bool fortran = false;
  std::vector<std::uint64_t> shape;
  HeaderParser(header, file).parse(descr, fortran, shape);
  if (descr != "<f8")
    bad(file, "dtype '" + descr + "' is not supported (expected '<f8', little-endian float64)");
  if (shape.size() != 1 && shape.size() != 2)
    bad(file, std::to_string(shape.size()) + "-D arrays are not supported (expected 1-D or 2-D)");

  const std::uint64_t rows = shape[0];
  const std::uint64_t cols = shape.size() == 2 ? shape[1] : 1;
  const std::uint64_t data_bytes = file_size - prefix - header_len;
  if (cols != 0 && rows > std::numeric_limits<std::uint64_t>::max() / sizeof(double) / cols)
    bad(file, "shape is too large");
  const std::uint64_t n = rows * cols;
  if (n * sizeof(double) != data_bytes)
    bad(file, "shape needs " + std::to_string(n * sizeof(double)) + " data bytes, file has " +
                  std::to_string(data_bytes));

  std::vector<double> raw(n);
  if (n > 0 && !in.read(reinterpret_cast<char*>(raw.data()),
                        static_cast<std::streamsize>(n * sizeof(double))))
    bad(file, "truncated data");
  for (auto& d : raw) d = toLittle(d);

  const auto r = static_cast<Eigen::Index>(rows), c = static_cast<Eigen::Index>(cols);
  if (shape.size() == 1) return Vector(Eigen::Map<const Vector>(raw.data(), r));
  if (fortran) return Matrix(Eigen::Map<const Matrix>(raw.data(), r, c));
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Matrix(Eigen::Map<const RowMajor>(raw.data(), r, c));
}

}  // namespace sciagents::core
