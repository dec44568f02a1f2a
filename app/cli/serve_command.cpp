// sciagents serve: placeholder until the server library lands.
#include "app/cli/commands.h"

#include <iostream>

namespace sciagents::cli {

int serveCommand(const CliOptions&) {
  std::cerr << "error: 'serve' is not available in this build yet\n";
  return kInvalid;
}

}  // namespace sciagents::cli
