#include "core/slurm/shard_merge.h"

#include "core/value/value_json.h"
#include "core/workflow/workflow_graph.h"

#include <algorithm>
#include <set>

namespace sciagents::core {

using nlohmann::json;

namespace {

// Interleaves shard lists back into global order: item g comes from shard g % T, position g / T.
Value interleave(const std::vector<Value>& parts, std::size_t total) {
  const std::size_t T = parts.size();
  // A multi-param sweep's sweep_values (one row per point) and sweep_table (one row per point in
  // every column); a shard without points has none of them.
  const auto first_of = [&](ValueKind kind) -> const Value* {
    for (const auto& p : parts)
      if (p.kind() == kind) return &p;
    return nullptr;
  };
  if (const Value* m = first_of(ValueKind::Matrix)) {
    Matrix out(static_cast<Eigen::Index>(total), m->asMatrix().cols());
    for (std::size_t g = 0; g < total; ++g) {
      const Value& p = parts[g % T];
      const auto at = static_cast<Eigen::Index>(g / T);
      if (p.kind() != ValueKind::Matrix || at >= p.asMatrix().rows() ||
          p.asMatrix().cols() != out.cols())
        throw std::out_of_range("shard matrix too short");
      out.row(static_cast<Eigen::Index>(g)) = p.asMatrix().row(at);
    }
    return out;
  }
  if (const Value* t = first_of(ValueKind::Table)) {
    Table out;
    out.columns = t->asTable().columns;
    for (std::size_t c = 0; c < out.columns.size(); ++c) {
      std::vector<Value> column;
      for (const auto& p : parts)
        column.push_back(p.kind() == ValueKind::Table && c < p.asTable().data.size()
                             ? p.asTable().data[c]
                             : Value(List{}));
      out.data.push_back(interleave(column, total));
    }
    return out;
  }
  if (!parts.empty() && parts[0].kind() == ValueKind::Vector) {
    Vector v(static_cast<Eigen::Index>(total));
    for (std::size_t g = 0; g < total; ++g) {
      const Vector& p = parts[g % T].asVector();
      const auto at = static_cast<Eigen::Index>(g / T);
      if (at >= p.size()) throw std::out_of_range("shard vector too short");
      v[static_cast<Eigen::Index>(g)] = p[at];
    }
    return v;
  }
  List out;
  out.reserve(total);
  for (std::size_t g = 0; g < total; ++g) {
    const Value& p = parts[g % T];
    if (p.kind() != ValueKind::List) throw std::invalid_argument("shard output is not a list");
    out.push_back(p.asList().at(g / T));
  }
  return out;
}

// Every key of the per-shard maps whose values are lists (or vectors) is interleaved; other keys
// are taken from the first shard that has them.
json mergeMaps(const std::vector<const json*>& parts, std::size_t total, bool diagnostics) {
  std::vector<Map> maps;
  for (const json* p : parts) {
    Value v = p && p->is_object() ? fromJson(*p) : Value(Map{});
    maps.push_back(v.kind() == ValueKind::Map ? v.asMap() : Map{});
  }
  std::set<std::string> keys;
  for (const auto& m : maps)
    for (const auto& [k, v] : m) keys.insert(k);
  Map out;
  for (const auto& k : keys) {
    const bool per_point = !diagnostics || k == "points";
    if (per_point) {
      std::vector<Value> items;
      for (std::size_t s = 0; s < maps.size(); ++s) {
        auto it = maps[s].find(k);
        if (it != maps[s].end()) {
          items.push_back(it->second);
        } else {  // a shard without points of this sweep
          items.push_back(k == "sweep_values" ? Value(Vector()) : Value(List{}));
        }
      }
      // An empty shard's list of a vector output reads back as a list; give it the kind of the
      // others.
      ValueKind kind = ValueKind::List;
      for (const auto& it : items)
        if (it.kind() == ValueKind::Vector && it.asVector().size() > 0) kind = ValueKind::Vector;
      for (auto& it : items)
        if (kind == ValueKind::Vector && it.kind() == ValueKind::List && it.asList().empty())
          it = Vector();
      out[k] = interleave(items, total);
    } else {
      for (const auto& m : maps)
        if (auto it = m.find(k); it != m.end()) {
          out[k] = it->second;
          break;
        }
    }
  }
  return toJson(Value(out));
}

bool isSucceeded(const json* j) { return j && j->value("status", std::string()) == "succeeded"; }

json missingStep(const std::string& status, const std::string& error) {
  return {{"status", status},
          {"outputs", json::object()},
          {"diagnostics", json::object()},
          {"error", error}};
}

std::string taskLabel(std::size_t k, std::size_t T) {
  return "array task " + std::to_string(k) + " of " + std::to_string(T);
}

}  // namespace

bool sweepsShardable(const Workflow& w, std::string* why) {
  std::set<std::string> swept;
  for (const auto& s : w.steps) {
    if (s.sweep && s.sweep->mode == SweepSpec::Mode::Design) {
      if (why)
        *why = "step '" + s.id + "' sweeps over a design, whose points are known only at run time";
      return false;
    }
    if (s.sweep) swept.insert(s.id);
  }
  const WorkflowGraph graph(w);
  for (const auto& ref : graph.references())
    if (swept.count(ref.to)) {
      if (why) *why = "step '" + ref.from + "' uses the swept step '" + ref.to + "'";
      return false;
    }
  return true;
}

std::size_t maxSweepPoints(const Workflow& w) {
  std::size_t n = 1;
  for (const auto& s : w.steps)
    if (s.sweep) n = std::max(n, s.sweep->pointCount());
  return n;
}

std::size_t arrayTasksFor(const Workflow& w, std::size_t requested, std::string* why_single) {
  const std::size_t points = maxSweepPoints(w);
  if (points <= 1) {
    if (why_single) *why_single = "the workflow has no sweep";
    return 1;
  }
  if (!sweepsShardable(w, why_single)) return 1;
  return std::clamp<std::size_t>(requested > 0 ? requested : 4, 1, points);
}

json mergeShardResults(const Workflow& w, const std::vector<ShardOutcome>& shards) {
  const std::size_t T = shards.size();
  json steps = json::object();
  std::string overall = "succeeded";
  double wall = 0.0;
  std::string name = w.name;
  for (const auto& sh : shards)
    if (sh.result && sh.result->contains("wall_s") && (*sh.result)["wall_s"].is_number())
      wall = std::max(wall, (*sh.result)["wall_s"].get<double>());

  for (const auto& step : w.steps) {
    std::vector<const json*> parts(T, nullptr);
    for (std::size_t k = 0; k < T; ++k) {
      const auto& r = shards[k].result;
      if (r && r->contains("steps") && (*r)["steps"].contains(step.id))
        parts[k] = &(*r)["steps"][step.id];
    }
    json merged;
    if (!step.sweep || T == 1) {
      // Identical in every task: the first success, else the first failure, else what a task said.
      const json* pick = nullptr;
      for (const json* p : parts)
        if (isSucceeded(p)) {
          pick = p;
          break;
        }
      for (const json* p : parts)
        if (!pick && p) pick = p;
      if (pick) {
        merged = *pick;
      } else {
        std::size_t k = 0;
        while (k + 1 < T && shards[k].state == "succeeded") ++k;
        merged = missingStep(
            shards[k].state == "cancelled" ? "cancelled" : "failed",
            taskLabel(k, T) + ": " + (shards[k].error.empty() ? "no result" : shards[k].error));
      }
    } else {
      const std::size_t V = step.sweep->pointCount();
      std::optional<std::size_t>
          bad;  // first task whose part did not succeed (failed before cancelled)
      for (std::size_t k = 0; k < T; ++k) {
        if (isSucceeded(parts[k])) continue;
        const std::string st =
            parts[k] ? parts[k]->value("status", std::string()) : shards[k].state;
        const bool failed = st != "cancelled";
        if (!bad || (failed && (parts[*bad] ? parts[*bad]->value("status", std::string())
                                            : shards[*bad].state) == "cancelled"))
          bad = k;
      }
      if (bad) {
        const std::size_t k = *bad;
        if (parts[k]) {
          merged = *parts[k];
          merged["error"] =
              taskLabel(k, T) + ": " + parts[k]->value("error", std::string("not run"));
        } else {
          merged = missingStep(
              shards[k].state == "cancelled" ? "cancelled" : "failed",
              taskLabel(k, T) + ": " + (shards[k].error.empty() ? "no result" : shards[k].error));
        }
        merged.erase("sweep_points");
        merged.erase("cached_points");
        if (V > 1)
          merged["sweep_points"] = V, merged["cached_points"] = 0;  // as a local run reports it
      } else {
        const json* first = parts[0];
        merged = *first;
        std::vector<const json*> outs, diags;
        for (const json* p : parts) {
          outs.push_back(p->contains("outputs") ? &(*p)["outputs"] : nullptr);
          diags.push_back(p->contains("diagnostics") ? &(*p)["diagnostics"] : nullptr);
        }
        merged["outputs"] = mergeMaps(outs, V, false);
        merged["diagnostics"] = mergeMaps(diags, V, true);
        std::int64_t start = 0, end = 0;
        std::size_t cached = 0;
        bool all_cached = true;
        json hashes = json::array();
        for (std::size_t g = 0; g < V && V <= 1000; ++g) {
          const json& prov = (*parts[g % T])["provenance"];
          if (prov.contains("params_hashes") && prov["params_hashes"].size() > g / T)
            hashes.push_back(prov["params_hashes"][g / T]);
        }
        for (const json* p : parts) {
          const auto& t = (*p)["timing"];
          if (t.is_object()) {
            const auto s = t.value("start_unix_us", std::int64_t{0}),
                       e = t.value("end_unix_us", std::int64_t{0});
            if (s && (!start || s < start)) start = s;
            end = std::max(end, e);
          }
          cached += p->value("cached_points", std::size_t{p->value("cached", false) ? 1u : 0u});
          all_cached = all_cached && p->value("cached", false);
        }
        merged["timing"] = {{"wall_s", static_cast<double>(end - start) / 1e6},
                            {"start_unix_us", start},
                            {"end_unix_us", end}};
        json& prov = merged["provenance"];
        if (prov.is_object()) {
          prov["sweep"] = {{"param", step.sweep->label()}, {"points", V}};
          if (V <= 1000) prov["params_hashes"] = hashes;
          prov["start_unix_us"] = start;
          prov["end_unix_us"] = end;
        }
        merged["cached"] = all_cached;
        merged.erase("sweep_points");
        merged.erase("cached_points");
        if (V > 1) merged["sweep_points"] = V, merged["cached_points"] = cached;
      }
    }
    const std::string st = merged.value("status", std::string());
    if (st == "cancelled")
      overall = "cancelled";
    else if (st != "succeeded" && overall == "succeeded")
      overall = "failed";
    steps[step.id] = std::move(merged);
  }
  return {{"sciagents_result", 1},
          {"status", overall},
          {"workflow", name},
          {"wall_s", wall},
          {"steps", steps}};
}

}  // namespace sciagents::core
