#include "app/cli/run_reporter.h"

#include "core/util/terminal_text.h"

#include <algorithm>
#include <cmath>

namespace sciagents::cli {

namespace {
// Step ids, agent/task names and messages come from the workflow file: printed escaped.
}  // namespace

RunReporter::RunReporter(Mode mode, std::size_t total_steps, std::FILE* out)
    : m_mode(mode), m_total(total_steps), m_out(out) {}

RunReporter::~RunReporter() {
  if (m_bar_visible) std::fputs("\r\033[K", m_out);
}

void RunReporter::stepStarted(const std::string& step, const std::string& agent,
                              const std::string& task) {
  m_running[step] = 0.0;
  if (m_mode == Mode::Lines)
    std::fprintf(m_out, "started  %s (%s.%s)\n", core::terminalSafe(step).c_str(),
                 core::terminalSafe(agent).c_str(), core::terminalSafe(task).c_str());
  if (m_mode == Mode::Bar) drawBar();
}

void RunReporter::stepFinished(const core::StepResult& r) {
  ++m_done;
  m_running.erase(r.id);
  if (m_mode == Mode::None) return;
  if (m_mode == Mode::Bar && m_bar_visible) std::fputs("\r\033[K", m_out);
  std::fprintf(m_out, "%-9s %s (%s.%s) %.3f s%s\n",
               std::string(core::stepStatusName(r.status)).c_str(),
               core::terminalSafe(r.id).c_str(), core::terminalSafe(r.agent).c_str(),
               core::terminalSafe(r.task).c_str(), r.wall_seconds, r.cached ? " [cached]" : "");
  m_bar_visible = false;
  if (m_mode == Mode::Bar) drawBar();
  std::fflush(m_out);
}

void RunReporter::progress(std::string_view step, double fraction, std::string_view message) {
  m_running[std::string(step)] = fraction;
  if (m_mode == Mode::Lines) {
    // Logs stay readable: at most one progress line per step per second (and always the last one).
    const auto now = std::chrono::steady_clock::now();
    auto& last = m_last_line[std::string(step)];
    if (fraction < 1.0 && now - last < std::chrono::seconds(1)) return;
    last = now;
    std::fprintf(m_out, "progress %s %3.0f%% %s\n", core::terminalSafe(step).c_str(),
                 100.0 * fraction, core::terminalSafe(message).c_str());
  } else if (m_mode == Mode::Bar) {
    drawBar();
  }
}

void RunReporter::drawBar() {
  const auto now = std::chrono::steady_clock::now();
  if (m_bar_visible && now - m_last_draw < std::chrono::milliseconds(100))
    return;  // at most 10 redraws/s
  m_last_draw = now;
  double partial = 0.0;
  for (const auto& [name, f] : m_running) partial += std::clamp(f, 0.0, 1.0);
  const double frac =
      m_total ? (static_cast<double>(m_done) + partial) / static_cast<double>(m_total) : 1.0;
  constexpr int width = 30;
  const int filled = static_cast<int>(std::floor(frac * width));
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  std::string running;
  for (const auto& [name, f] : m_running)
    running += (running.empty() ? " " : ", ") + core::terminalSafe(name);
  std::fprintf(m_out, "\r\033[K[%s] %zu/%zu steps%s", bar.c_str(), m_done, m_total,
               running.c_str());
  std::fflush(m_out);
  m_bar_visible = true;
}

}  // namespace sciagents::cli
