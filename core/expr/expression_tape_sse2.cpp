// The tape kernel for the baseline instruction set of the build (SSE2 on x86-64, NEON on arm64).
#include "core/expr/expression_tape_kernel.h"

namespace sciagents::core::tape {

TapeKernel tapeKernelDefault() { return &Kernel<xsimd::default_arch>::run; }

TapeScalarKernel tapeScalarKernel() { return &Kernel<xsimd::default_arch>::scalar; }

}  // namespace sciagents::core::tape
