#include "app/cli/remote_run.h"

#include "app/cli/cli_options.h"
#include "app/cli/http_client.h"
#include "core/util/text_format.h"
#include "core/value/value_json.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#if !defined(_WIN32)
#include <sys/stat.h>
#endif

namespace sciagents::cli {

std::string readToken(const CliOptions& o) {
  if (!o.token_file.empty()) {
    std::ifstream in(o.token_file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read token file '" + o.token_file + "'");
#if !defined(_WIN32)
    struct stat st {};
    if (::stat(o.token_file.c_str(), &st) == 0 && (st.st_mode & 077))
      std::cerr << "warning: token file '" << o.token_file
                << "' is readable by other users; restrict it with: chmod 600 " << o.token_file
                << "\n";
#endif
    std::ostringstream s;
    s << in.rdbuf();
    std::string token = core::trim(s.str());
    if (token.empty()) throw std::runtime_error("token file '" + o.token_file + "' is empty");
    return token;
  }
  if (const char* t = std::getenv("SCIAGENTS_TOKEN"); t && *t) return core::trim(t);
  return {};
}

std::string describeHttpError(const HttpReply& r) {
  std::string msg = "HTTP " + std::to_string(r.status);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error") && j["error"].is_string()) msg += " " + j["error"].get<std::string>();
    if (j.contains("message") && j["message"].is_string())
      msg += ": " + j["message"].get<std::string>();
  } else if (!r.body.empty()) {
    msg += ": " + (r.body.size() > 200 ? r.body.substr(0, 200) + "..." : r.body);
  }
  return msg;
}

}  // namespace sciagents::cli
