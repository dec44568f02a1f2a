// runTape: picks the widest tape kernel this CPU runs (AVX2 when built in and supported, else the
// build's baseline) and guards against input/output overlap.
#include "core/expr/expression_tape.h"

#include <cstdint>
#include <vector>

namespace sciagents::core::tape {

#ifdef SCIAGENTS_TAPE_AVX2
TapeKernel tapeKernelAvx2Unchecked();
#endif

TapeKernel tapeKernelAvx2() {
#ifdef SCIAGENTS_TAPE_AVX2
  static const bool ok = __builtin_cpu_supports("avx2");
  return ok ? tapeKernelAvx2Unchecked() : nullptr;
#else
  return nullptr;
#endif
}

namespace {
TapeKernel chosen() {
  static const TapeKernel k = tapeKernelAvx2() ? tapeKernelAvx2() : tapeKernelDefault();
  return k;
}
}  // namespace

void loadConstants(const Tape& t, double* r) {
  for (std::size_t k = 0; k < t.constants.size(); ++k) r[t.inputs + k] = t.constants[k];
}

void runTapeScalar(const Tape& t, const double* x, double* r, double* out) {
  tapeScalarKernel()(t, x, r, out);
}

const char* tapeKernelName() { return tapeKernelAvx2() ? "avx2" : "baseline"; }

void runTape(const Tape& t, const double* x, std::size_t stride, std::size_t n, double* out) {
  if (n == 0) return;
  const auto at = [](const double* p) { return reinterpret_cast<std::uintptr_t>(p); };
  // Blocks read their inputs before writing their outputs, so out == x (one variable, in place)
  // is fine; any other overlap goes through a scratch buffer.
  const double* end = x + (t.inputs > 0 ? (t.inputs - 1) * stride + n : 0);
  const bool overlap =
      t.inputs > 0 && at(out) < at(end) && at(x) < at(out + n) && !(out == x && t.inputs == 1);
  if (!overlap) {
    chosen()(t, x, stride, n, out);
    return;
  }
  std::vector<double> tmp(n);
  chosen()(t, x, stride, n, tmp.data());
  for (std::size_t i = 0; i < n; ++i) out[i] = tmp[i];
}

}  // namespace sciagents::core::tape
