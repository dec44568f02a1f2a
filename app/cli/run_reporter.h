// Shows a run as it happens: a one-line progress bar on a terminal, plain lines otherwise.
#pragma once

#include "core/workflow/workflow_engine.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace sciagents::cli {

class RunReporter final : public core::RunListener {
 public:
  enum class Mode { Bar, Lines, None };
  RunReporter(Mode mode, std::size_t total_steps, std::FILE* out = stderr);
  ~RunReporter() override;

  void stepStarted(const std::string& step, const std::string& agent,
                   const std::string& task) override;
  void stepFinished(const core::StepResult& result) override;
  void progress(std::string_view step, double fraction, std::string_view message) override;

 private:
  void drawBar();

  Mode m_mode;
  std::size_t m_total;
  std::size_t m_done = 0;
  std::FILE* m_out;
  std::map<std::string, double, std::less<>> m_running;  // step -> fraction
  std::chrono::steady_clock::time_point m_last_draw{};
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> m_last_line;
  bool m_bar_visible = false;
};

}  // namespace sciagents::cli
