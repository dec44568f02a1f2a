// The tape kernel for AVX2 (4 doubles per instruction). This file alone is compiled with -mavx2
// (no FMA, -ffp-contract=off: the same operations and roundings as the baseline kernel, so the
// same bits); runTape picks it at run time when the CPU has AVX2. xsimd is renamed here and the
// kernel sits in an anonymous namespace, so no AVX2 copy of an inline function can be chosen by
// the linker for another file (which would crash on a CPU without AVX2).
#define xsimd sciagents_xsimd_avx2
#include "core/expr/expression_tape_kernel.h"

namespace sciagents::core::tape {

TapeKernel tapeKernelAvx2Unchecked() { return &Kernel<xsimd::avx2>::run; }

}  // namespace sciagents::core::tape
