// sciagents health: placeholder until the HTTP client lands.
#include "app/cli/commands.h"

#include <iostream>

namespace sciagents::cli {

int healthCommand(const CliOptions&) {
  std::cerr << "error: 'health' is not available in this build yet\n";
  return kInvalid;
}

}  // namespace sciagents::cli
