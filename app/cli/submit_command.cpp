// sciagents submit and run --target URL: placeholder until the HTTP client lands.
#include "app/cli/commands.h"

#include <iostream>

namespace sciagents::cli {

int submitCommand(const CliOptions&) {
  std::cerr << "error: 'submit' is not available in this build yet\n";
  return kInvalid;
}

int runRemote(const CliOptions&, const std::string&, const std::string& url) {
  std::cerr << "error: --target " << url << ": remote runs are not available in this build yet\n";
  return kInvalid;
}

}  // namespace sciagents::cli
