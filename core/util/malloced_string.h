// C libraries that hand back malloc'd strings the caller must free (SUNDIALS'
// CVodeGetReturnFlagName, KINGetReturnFlagName): copy into a std::string and free the original, so
// no caller can leak it.
#pragma once

#include <cstdlib>
#include <string>

namespace sciagents::core {

inline std::string takeMallocedString(char* s, const char* if_null = "unknown") {
  std::string out = s ? s : if_null;
  std::free(s);
  return out;
}

}  // namespace sciagents::core
