// One run as a single self-contained HTML page (docs/report.md): the workflow graph, every step's
// params, outputs (numbers as text, long arrays as SVG plots, matrices and tables truncated),
// diagnostics and errors, task-specific plots (Sobol indices with their intervals, Monte Carlo
// histograms, ODE trajectories) and the run's provenance. Inline CSS and SVG only: no scripts, no
// external resources, so the file can be mailed, archived or opened offline. The CLI's
// `sciagents report` and Studio's File > Export report both call htmlReport().
#pragma once

#include "core/workflow/run_result.h"

#include <cstddef>
#include <string>

namespace sciagents::core::report {

struct ReportOptions {
  std::string title;                 // "" : the workflow's name
  std::string source_file;           // the result file shown in the header ("" : none)
  std::size_t max_vector_text = 12;  // longer vectors are plotted (and summarised)
  std::size_t max_table_rows = 12;   // matrices and tables show at most this many rows
  std::size_t max_table_cols = 8;
  std::size_t max_params_chars = 4000;  // a step's params (JSON) are cut here
};

// The report of `result` (read with core::readRunResultFile for sidecars). The workflow graph and
// the params come from result.workflow_spec; without it (result files written before it) the
// steps are shown without links or params.
std::string htmlReport(const RunResult& result, const ReportOptions& options = {});

}  // namespace sciagents::core::report
