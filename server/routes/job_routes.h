// The job routes: GET /v1/jobs (list), POST /v1/jobs (submit, server/routes/job_submit.h),
// GET|DELETE /v1/jobs/{id} (status, cancel), GET /v1/jobs/{id}/events (Server-Sent Events), and
// the helpers every job route shares: a token sees its own jobs, an admin token every job.
#pragma once

#include "server/job_manager.h"
#include "server/route_table.h"
#include "server/routes/route_services.h"

#include <optional>
#include <string>

namespace sciagents::server {

void addJobRoutes(RouteTable& table, const RouteServices& services);

// The job `id` when `caller` may see it (its own jobs; admin: all); nullopt otherwise.
std::optional<JobStatus> visibleJob(JobManager& jobs, const Caller& caller, const std::string& id);
// 404 {"error": "not_found", "message": "no job 'ID'"}.
HttpResponse jobNotFound(const std::string& id);

}  // namespace sciagents::server
