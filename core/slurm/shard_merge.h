// Sweep sharding for Slurm job arrays: which workflows can be split, into how many tasks, and how
// the tasks' partial result documents merge back into the document of a full local run.
//
// Task k of T runs every swept step's points g with g % T == k (RunOptions::shard_index/count),
// with the seeds of the full run. Non-swept steps run whole in every task (they are cheap compared
// with a sweep, are usually served from the shared result cache, and keep each task
// self-contained).
#pragma once

#include "core/workflow/workflow.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sciagents::core {

// False (with the reason) when some step uses the output of a swept step: a shard would see only
// part of the sweep, so such workflows run as a single task.
bool sweepsShardable(const Workflow& w, std::string* why = nullptr);

// The largest number of sweep values of any step (1 when nothing is swept).
std::size_t maxSweepPoints(const Workflow& w);

// Number of array tasks: `requested` (> 0) or min(points, 4); never more than the points, 1 when
// the workflow is not shardable.
std::size_t arrayTasksFor(const Workflow& w, std::size_t requested,
                          std::string* why_single = nullptr);

struct ShardOutcome {
  std::optional<nlohmann::json> result;  // the task's result document, when it wrote one
  std::string state;                     // succeeded | failed | cancelled | timed_out
  std::string error;                     // why, when not succeeded
};

// Merges the tasks' documents (index = task) into one result document shaped exactly like a local
// run's: swept outputs, per-point diagnostics and params hashes interleaved back into global order.
// A step that failed in some task fails with that task's error ("array task k of T: ..."); a task
// without a document makes its swept steps fail (or be cancelled) with the task's error.
nlohmann::json mergeShardResults(const Workflow& w, const std::vector<ShardOutcome>& shards);

}  // namespace sciagents::core
