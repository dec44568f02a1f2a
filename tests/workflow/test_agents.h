// A small agent used only by the engine tests: deterministic tasks that expose what the engine did
// (how often a task ran, whether two steps were running at the same time, cancellation).
#pragma once

#include "core/agent/agent_registry.h"
#include "core/util/error.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace sciagents::test {

using namespace sciagents::core;

struct TestProbe {
  std::atomic<int> runs{0};
  std::mutex mutex;
  std::condition_variable cv;
  int arrived = 0;
};

inline TestProbe& probe() {
  static TestProbe p;
  return p;
}

inline AgentRegistry testRegistry() {
  AgentRegistry r;
  AgentSpec a;
  a.id = "test";
  a.name = "Test agent";
  a.family = "Test";
  a.version = "1";

  TaskSpec add;
  add.id = "add";
  add.params = {ParamSpec::make("a", ParamType::Number).req(),
                ParamSpec::make("b", ParamType::Number).def(0.0),
                ParamSpec::make("scale", ParamType::Number).def(1.0).range(-10, 10)};
  add.outputs = {{"sum", ValueKind::Scalar, "scale*(a+b)"}, {"pair", ValueKind::Vector, "[a, b]"}};
  add.run = [](TaskContext& ctx) {
    ++probe().runs;
    ctx.output("sum", ctx.number("scale") * (ctx.number("a") + ctx.number("b")));
    Vector v(2);
    v << ctx.number("a"), ctx.number("b");
    ctx.output("pair", v);
  };

  TaskSpec sum;
  sum.id = "sum";
  sum.params = {ParamSpec::make("v", ParamType::Vector).req()};
  sum.outputs = {{"total", ValueKind::Scalar, "sum of v"}, {"v", ValueKind::Vector, "v"}};
  sum.run = [](TaskContext& ctx) {
    ++probe().runs;
    const Vector v = ctx.vector("v");
    ctx.output("total", v.sum());
    ctx.output("v", v);
  };

  // Waits until `expect` steps have arrived: two such steps only both finish with met=true when the
  // engine runs them at the same time. A serial engine would give met=false after the timeout.
  TaskSpec meet;
  meet.id = "meet";
  meet.params = {ParamSpec::make("expect", ParamType::Integer).def(std::int64_t{2}),
                 ParamSpec::make("after", ParamType::Any)};
  meet.outputs = {{"met", ValueKind::Bool, "whether every peer arrived"}};
  meet.run = [](TaskContext& ctx) {
    auto& p = probe();
    std::unique_lock lock(p.mutex);
    ++p.arrived;
    p.cv.notify_all();
    const bool met = p.cv.wait_for(lock, std::chrono::seconds(20),
                                   [&] { return p.arrived >= ctx.integer("expect"); });
    ctx.output("met", met);
  };

  TaskSpec fail;
  fail.id = "fail";
  fail.params = {ParamSpec::make("x", ParamType::Number).def(0.0)};
  fail.outputs = {{"y", ValueKind::Scalar, "never produced"}};
  fail.run = [](TaskContext& ctx) {
    ctx.diagnostic("attempts", std::int64_t{3});
    throw Error(ErrorCode::RunFailed, "deliberate failure");
  };

  // Runs until cancelled (or a 60 s safety limit), reporting progress.
  TaskSpec spin;
  spin.id = "spin";
  spin.outputs = {{"iterations", ValueKind::Integer, "loop count"}};
  spin.run = [](TaskContext& ctx) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::int64_t i = 0;
    while (std::chrono::steady_clock::now() < until) {
      ctx.checkCancelled();
      if (++i % 1000 == 0) ctx.progress(0.5, "spinning");
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    ctx.output("iterations", i);
  };

  TaskSpec rnd;
  rnd.id = "seeded";
  rnd.params = {ParamSpec::make("seed", ParamType::Integer),
                ParamSpec::make("x", ParamType::Number).def(0.0)};
  rnd.outputs = {{"seed", ValueKind::Integer, "the seed the task saw"}};
  rnd.run = [](TaskContext& ctx) { ctx.output("seed", static_cast<std::int64_t>(ctx.seed())); };

  TaskSpec expr;
  expr.id = "expr";
  expr.params = {ParamSpec::make("f", ParamType::Expression).req(),
                 ParamSpec::make("method", ParamType::Choice).def("a").oneOf({"a", "b"})};
  expr.outputs = {{"text", ValueKind::String, "f"}};
  expr.run = [](TaskContext& ctx) { ctx.output("text", ctx.text("f")); };

  TaskSpec matrix;  // hands its matrix on: a design for sweeps
  matrix.id = "matrix";
  matrix.params = {ParamSpec::make("m", ParamType::Any).req()};
  matrix.outputs = {{"m", ValueKind::Matrix, "m"}};
  matrix.run = [](TaskContext& ctx) { ctx.output("m", ctx.param("m")); };

  TaskSpec planned;
  planned.id = "later";
  a.tasks = {add, sum, meet, fail, spin, rnd, expr, matrix, planned};
  r.add(std::move(a));
  return r;
}

}  // namespace sciagents::test
