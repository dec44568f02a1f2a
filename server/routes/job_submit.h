// POST /v1/jobs: admission of a job. The body is a workflow or an envelope {"workflow", "seed",
// "no_cache", "wall_time_s", "backend", and the options of a backend under its name}; checked in
// order: media type, size, step count (before parsing), strict JSON, envelope, workflow validity,
// the server's limits (server/job_limits.h), what the job's backend accepts, the owner's storage
// quota, then the queue.
#pragma once

#include "server/route_table.h"
#include "server/routes/route_services.h"

namespace sciagents::server {

HttpResponse submitJob(const RouteCall& call, const RouteServices& services);

}  // namespace sciagents::server
