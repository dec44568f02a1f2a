// Placeholder until the task is built: listed as planned, rejected by validate/run.
#include "core/agents/special_functions/tasks.h"

namespace sciagents::core::agents::special {

TaskSpec fftTask() {
  TaskSpec t;
  t.id = "fft";
  t.summary = "Fast Fourier transforms (forward/inverse, real, DCT-II).";
  return t;
}

}  // namespace sciagents::core::agents::special
