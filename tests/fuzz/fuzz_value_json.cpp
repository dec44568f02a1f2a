// Feeds arbitrary JSON to fromJson (user input in workflows and server requests) and checks that
// whatever it accepts survives toJson -> text -> fromJson unchanged.
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>

using namespace sciagents::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65536) return -1;
  const auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  Value v;
  try {
    v = fromJson(j);  // no base_dir: npy references are rejected, no file access
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::string text = toJson(v).dump();
  const Value back = fromJson(nlohmann::json::parse(text));
  if (!(back == v)) __builtin_trap();
  if (toJson(back).dump() != text) __builtin_trap();
  return 0;
}
