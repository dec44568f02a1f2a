#include "server/slurm_job_options.h"

#include <limits>

namespace sciagents::server {

namespace {
struct IntField {
  const char* name;
  long long lo, hi;
};
constexpr IntField kIntFields[] = {{"time_limit_min", 1, 525600},
                                   {"cpus", 1, 4096},
                                   {"mem_mb", 1, 1LL << 30},
                                   {"tasks", 1, 10000},
                                   {"retries", 0, 100}};
}  // namespace

std::optional<std::string> checkSlurmJobOptions(const nlohmann::json& o) {
  if (!o.is_object())
    return "field 'slurm' must be an object (partition, account, time_limit_min, cpus, mem_mb, "
           "tasks, retries)";
  for (auto it = o.begin(); it != o.end(); ++it) {
    const std::string& k = it.key();
    if (k == "partition" || k == "account") {
      const auto& v = it.value();
      if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 200 ||
          v.get<std::string>().find_first_of(" \t\r\n'\"\\;") != std::string::npos)
        return "field 'slurm." + k + "' must be a Slurm " + k + " name";
      continue;
    }
    bool known = false;
    for (const auto& f : kIntFields) {
      if (k != f.name) continue;
      known = true;
      const auto& v = it.value();
      if (!v.is_number_integer() || v.get<long long>() < f.lo || v.get<long long>() > f.hi)
        return "field 'slurm." + k + "' must be an integer between " + std::to_string(f.lo) +
               " and " + std::to_string(f.hi);
    }
    if (!known)
      return "unknown field 'slurm." + k +
             "' (partition, account, time_limit_min, cpus, mem_mb, tasks, "
             "retries)";
  }
  return std::nullopt;
}

core::SlurmOptions applySlurmJobOptions(core::SlurmOptions s, const nlohmann::json& o) {
  if (!o.is_object()) return s;
  if (o.contains("partition")) s.partition = o["partition"].get<std::string>();
  if (o.contains("account")) s.account = o["account"].get<std::string>();
  if (o.contains("time_limit_min")) s.time_limit_min = o["time_limit_min"].get<int>();
  if (o.contains("cpus")) s.cpus = o["cpus"].get<int>();
  if (o.contains("mem_mb")) s.mem_mb = o["mem_mb"].get<int>();
  if (o.contains("tasks")) s.tasks = o["tasks"].get<std::size_t>();
  if (o.contains("retries")) s.shard_retries = o["retries"].get<int>();
  return s;
}

}  // namespace sciagents::server
