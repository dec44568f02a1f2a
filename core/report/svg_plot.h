// Small inline SVG charts for self-contained HTML reports (core/report/html_report.h): line plots,
// grouped bars with interval whiskers, histograms. Plain SVG 1.1 elements with presentation
// attributes only: no scripts, no external fonts or images, readable in any browser or viewer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core::report {

// Text made safe for XML/HTML element content and attribute values (& < > " ').
std::string xmlEscape(std::string_view text);
// A number for a label: 4 significant digits, no trailing zeros ("0.4581", "1.2e-05", "4096").
std::string shortNumber(double v);

struct LineSeries {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite points are left out
};

struct LinePlot {
  std::string title;
  std::string x_label, y_label;
  std::vector<LineSeries> series;
  bool markers = false;  // a dot at every point (few points)
  int width = 640, height = 300;
};
std::string svgLinePlot(const LinePlot& plot);

// Bars grouped by category (e.g. one group per Sobol input, one bar per index kind), each with an
// optional interval drawn as a whisker.
struct BarSeries {
  std::string name;
  std::vector<double> values;                                       // one per category
  std::vector<std::optional<std::pair<double, double>>> intervals;  // empty or one per category
};

struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  int width = 640, height = 300;
};
std::string svgBarChart(const BarChart& chart);

// Adjacent bars over bins [lo[i], hi[i]) of heights `heights`.
struct Histogram {
  std::string title;
  std::string x_label, y_label;
  std::vector<double> lo, hi, heights;
  int width = 640, height = 260;
};
std::string svgHistogram(const Histogram& histogram);

}  // namespace sciagents::core::report
