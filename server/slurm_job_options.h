// The per-job Slurm options of POST /v1/jobs ({"backend": "slurm", "slurm": {...}}, docs/slurm.md):
//   {"partition": "short", "account": "proj42", "time_limit_min": 30, "cpus": 4, "mem_mb": 4000,
//    "tasks": 8, "retries": 2}
// Every field is optional; unknown fields and bad values are refused with a message naming them.
#pragma once

#include "core/slurm/slurm_backend.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sciagents::server {

// The problem with `options`, or nullopt when they are valid.
std::optional<std::string> checkSlurmJobOptions(const nlohmann::json& options);
// `base` with the (checked) per-job options applied.
core::SlurmOptions applySlurmJobOptions(core::SlurmOptions base, const nlohmann::json& options);

}  // namespace sciagents::server
