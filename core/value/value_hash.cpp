#include "core/value/value_hash.h"

#include <cstdint>

namespace sciagents::core {

namespace {
void tag(Sha256& h, ValueKind k) {
  const auto b = static_cast<std::uint8_t>(k);
  h.update(&b, 1);
}
void u64(Sha256& h, std::uint64_t x) { h.update(&x, sizeof x); }
void str(Sha256& h, const std::string& s) {
  u64(h, s.size());
  h.update(s);
}
void doubles(Sha256& h, const double* d, Eigen::Index n) {
  u64(h, static_cast<std::uint64_t>(n));
  h.update(d, static_cast<std::size_t>(n) * sizeof(double));
}
}  // namespace

void hashValue(Sha256& h, const Value& v) {
  tag(h, v.kind());
  switch (v.kind()) {
    case ValueKind::Null:
      break;
    case ValueKind::Bool:
      u64(h, v.asBool() ? 1 : 0);
      break;
    case ValueKind::Integer:
      u64(h, static_cast<std::uint64_t>(v.asInt()));
      break;
    case ValueKind::Scalar: {
      const double d = v.asDouble();
      h.update(&d, sizeof d);
      break;
    }
    case ValueKind::String:
      str(h, v.asString());
      break;
    case ValueKind::Vector:
      doubles(h, v.asVector().data(), v.asVector().size());
      break;
    case ValueKind::Matrix:
      u64(h, static_cast<std::uint64_t>(v.asMatrix().rows()));
      doubles(h, v.asMatrix().data(), v.asMatrix().size());
      break;
    case ValueKind::SparseMatrix: {
      SparseMatrix s = v.asSparse();
      s.makeCompressed();
      u64(h, static_cast<std::uint64_t>(s.rows()));
      u64(h, static_cast<std::uint64_t>(s.cols()));
      h.update(s.outerIndexPtr(), static_cast<std::size_t>(s.outerSize() + 1) * sizeof(int));
      h.update(s.innerIndexPtr(), static_cast<std::size_t>(s.nonZeros()) * sizeof(int));
      doubles(h, s.valuePtr(), s.nonZeros());
      break;
    }
    case ValueKind::GridField: {
      const auto& g = v.asGrid();
      u64(h, g.axes.size());
      for (const auto& a : g.axes) doubles(h, a.data(), a.size());
      for (const auto& n : g.axis_names) str(h, n);
      doubles(h, g.values.data(), g.values.size());
      break;
    }
    case ValueKind::TimeSeries: {
      const auto& t = v.asTimeSeries();
      doubles(h, t.t.data(), t.t.size());
      u64(h, static_cast<std::uint64_t>(t.values.rows()));
      doubles(h, t.values.data(), t.values.size());
      for (const auto& n : t.names) str(h, n);
      break;
    }
    case ValueKind::Table: {
      const auto& t = v.asTable();
      u64(h, t.columns.size());
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        str(h, t.columns[i]);
        hashValue(h, t.data[i]);
      }
      break;
    }
    case ValueKind::List:
      u64(h, v.asList().size());
      for (const auto& item : v.asList()) hashValue(h, item);
      break;
    case ValueKind::Map:
      u64(h, v.asMap().size());
      for (const auto& [k, item] : v.asMap()) {
        str(h, k);
        hashValue(h, item);
      }
      break;
  }
}

}  // namespace sciagents::core
