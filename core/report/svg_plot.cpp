#include "core/report/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sciagents::core::report {

namespace {
// Series colours: readable on white, distinguishable for the common colour-vision deficiencies
// (Okabe-Ito).
constexpr const char* kSvgPlotColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                           "#E69F00", "#56B4E9", "#F0E442", "#000000"};
const char* svgPlotColour(std::size_t i) {
  return kSvgPlotColours[i % (sizeof kSvgPlotColours / sizeof kSvgPlotColours[0])];
}

std::string fmtCoord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct SvgAxisRange {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
};

// About `n` ticks at 1, 2, 5 x 10^k spacing covering [lo, hi]; the range grows to the ticks.
SvgAxisRange niceSvgAxis(double lo, double hi, int n = 5) {
  SvgAxisRange r;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo <= std::abs(hi) * 1e-12 || hi == lo) {
    const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad, hi += pad;
  }
  const double raw = (hi - lo) / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  r.lo = std::floor(lo / step) * step;
  r.hi = std::ceil(hi / step) * step;
  for (double t = r.lo; t <= r.hi + step * 0.5; t += step)
    r.ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return r;
}

struct SvgFrame {
  double left = 64, right = 16, top = 30, bottom = 44;
  int width = 640, height = 300;
  SvgAxisRange x, y;
  double px(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * (width - left - right); }
  double py(double v) const {
    return height - bottom - (v - y.lo) / (y.hi - y.lo) * (height - top - bottom);
  }
};

std::string svgOpen(int width, int height, const std::string& title) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                  "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                  std::to_string(width) + " " + std::to_string(height) +
                  "\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"" +
                  xmlEscape(title) + "\">";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>";
  if (!title.empty())
    s += "<text x=\"" + std::to_string(width / 2) +
         "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">" +
         xmlEscape(title) + "</text>";
  return s;
}

// Grid lines, tick labels and axis labels; `x_ticks` false for category axes.
std::string svgAxes(const SvgFrame& f, const std::string& x_label, const std::string& y_label,
                    bool x_ticks) {
  std::string s;
  const double x0 = f.left, x1 = f.width - f.right, y0 = f.height - f.bottom, y1 = f.top;
  for (double t : f.y.ticks) {
    const double y = f.py(t);
    s += "<line x1=\"" + fmtCoord(x0) + "\" y1=\"" + fmtCoord(y) + "\" x2=\"" + fmtCoord(x1) +
         "\" y2=\"" + fmtCoord(y) + "\" stroke=\"#e4e4e4\"/>";
    s += "<text x=\"" + fmtCoord(x0 - 4) + "\" y=\"" + fmtCoord(y + 4) + "\" text-anchor=\"end\">" +
         xmlEscape(shortNumber(t)) + "</text>";
  }
  if (x_ticks)
    for (double t : f.x.ticks) {
      const double x = f.px(t);
      s += "<line x1=\"" + fmtCoord(x) + "\" y1=\"" + fmtCoord(y0) + "\" x2=\"" + fmtCoord(x) +
           "\" y2=\"" + fmtCoord(y0 + 4) + "\" stroke=\"#444\"/>";
      s += "<text x=\"" + fmtCoord(x) + "\" y=\"" + fmtCoord(y0 + 16) +
           "\" text-anchor=\"middle\">" + xmlEscape(shortNumber(t)) + "</text>";
    }
  s += "<polyline points=\"" + fmtCoord(x0) + "," + fmtCoord(y1) + " " + fmtCoord(x0) + "," +
       fmtCoord(y0) + " " + fmtCoord(x1) + "," + fmtCoord(y0) +
       "\" fill=\"none\" stroke=\"#444\"/>";
  if (!x_label.empty())
    s += "<text x=\"" + fmtCoord((x0 + x1) / 2) + "\" y=\"" + std::to_string(f.height - 6) +
         "\" text-anchor=\"middle\">" + xmlEscape(x_label) + "</text>";
  if (!y_label.empty())
    s += "<text transform=\"translate(14," + fmtCoord((y0 + y1) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + xmlEscape(y_label) + "</text>";
  return s;
}

std::string svgLegend(const std::vector<std::string>& names, double x_right, double y) {
  std::string s;
  double yy = y;
  for (std::size_t i = 0; i < names.size(); ++i, yy += 15) {
    s += "<rect x=\"" + fmtCoord(x_right - 110) + "\" y=\"" + fmtCoord(yy - 8) +
         "\" width=\"10\" height=\"10\" fill=\"" + svgPlotColour(i) + "\"/>";
    s += "<text x=\"" + fmtCoord(x_right - 96) + "\" y=\"" + fmtCoord(yy + 1) + "\">" +
         xmlEscape(names[i]) + "</text>";
  }
  return s;
}
}  // namespace

std::string xmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

std::string shortNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string svgLinePlot(const LinePlot& plot) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& s : plot.series)
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]);
        ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
      }
  SvgFrame f;
  f.width = plot.width, f.height = plot.height;
  f.x = niceSvgAxis(xlo, xhi, 6);
  f.y = niceSvgAxis(ylo, yhi, 5);
  std::string s = svgOpen(plot.width, plot.height, plot.title);
  s += svgAxes(f, plot.x_label, plot.y_label, true);
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const auto& ser = plot.series[k];
    std::string points, dots;
    for (std::size_t i = 0; i < std::min(ser.x.size(), ser.y.size()); ++i) {
      if (!std::isfinite(ser.x[i]) || !std::isfinite(ser.y[i])) continue;
      const std::string px = fmtCoord(f.px(ser.x[i])), py = fmtCoord(f.py(ser.y[i]));
      points += px + "," + py + " ";
      if (plot.markers)
        dots += "<circle cx=\"" + px + "\" cy=\"" + py + "\" r=\"2.5\" fill=\"" + svgPlotColour(k) +
                "\"/>";
    }
    s += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + svgPlotColour(k) +
         "\" stroke-width=\"1.6\"/>" + dots;
  }
  if (plot.series.size() > 1) {
    std::vector<std::string> names;
    for (const auto& ser : plot.series) names.push_back(ser.name);
    s += svgLegend(names, plot.width - plot.width * 0.0 - 8, f.top + 10);
  }
  return s + "</svg>";
}

std::string svgBarChart(const BarChart& chart) {
  double lo = 0, hi = 0;
  for (const auto& ser : chart.series) {
    for (double v : ser.values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    for (const auto& iv : ser.intervals)
      if (iv && std::isfinite(iv->first) && std::isfinite(iv->second))
        lo = std::min(lo, iv->first), hi = std::max(hi, iv->second);
  }
  SvgFrame f;
  f.width = chart.width, f.height = chart.height;
  f.right = chart.series.size() > 1 ? 120 : 16;
  f.y = niceSvgAxis(lo, hi, 5);
  f.x = {0, 1, {}};
  std::string s = svgOpen(chart.width, chart.height, chart.title);
  s += svgAxes(f, "", chart.y_label, false);
  const std::size_t nc = chart.categories.size(),
                    ns = std::max<std::size_t>(chart.series.size(), 1);
  const double plot_w = f.width - f.left - f.right;
  const double group_w = nc ? plot_w / static_cast<double>(nc) : plot_w;
  const double bar_w = group_w * 0.7 / static_cast<double>(ns);
  for (std::size_t c = 0; c < nc; ++c) {
    const double gx = f.left + group_w * static_cast<double>(c) + group_w * 0.15;
    s += "<text x=\"" + fmtCoord(f.left + group_w * (static_cast<double>(c) + 0.5)) + "\" y=\"" +
         fmtCoord(f.height - f.bottom + 16) + "\" text-anchor=\"middle\">" +
         xmlEscape(chart.categories[c]) + "</text>";
    for (std::size_t k = 0; k < chart.series.size(); ++k) {
      const auto& ser = chart.series[k];
      if (c >= ser.values.size() || !std::isfinite(ser.values[c])) continue;
      const double v = ser.values[c];
      const double x = gx + bar_w * static_cast<double>(k);
      const double y_top = f.py(std::max(v, 0.0)), y_bot = f.py(std::min(v, 0.0));
      s += "<rect x=\"" + fmtCoord(x + 1) + "\" y=\"" + fmtCoord(y_top) + "\" width=\"" +
           fmtCoord(bar_w - 2) + "\" height=\"" + fmtCoord(std::max(y_bot - y_top, 0.5)) +
           "\" fill=\"" + svgPlotColour(k) + "\"><title>" +
           xmlEscape(ser.name + " " + chart.categories[c] + " = " + shortNumber(v)) +
           "</title></rect>";
      if (c < ser.intervals.size() && ser.intervals[c]) {
        const auto [a, b] = *ser.intervals[c];
        const double cx = x + bar_w / 2, ya = f.py(a), yb = f.py(b), cap = bar_w * 0.2;
        s += "<g stroke=\"#222\" stroke-width=\"1.3\" class=\"whisker\">";
        s += "<line x1=\"" + fmtCoord(cx) + "\" y1=\"" + fmtCoord(ya) + "\" x2=\"" + fmtCoord(cx) +
             "\" y2=\"" + fmtCoord(yb) + "\"/>";
        for (double yy : {ya, yb})
          s += "<line x1=\"" + fmtCoord(cx - cap) + "\" y1=\"" + fmtCoord(yy) + "\" x2=\"" +
               fmtCoord(cx + cap) + "\" y2=\"" + fmtCoord(yy) + "\"/>";
        s += "</g>";
      }
    }
  }
  if (chart.series.size() > 1) {
    std::vector<std::string> names;
    for (const auto& ser : chart.series) names.push_back(ser.name);
    s += svgLegend(names, chart.width - 4, f.top + 10);
  }
  return s + "</svg>";
}

std::string svgHistogram(const Histogram& h) {
  const std::size_t n = std::min({h.lo.size(), h.hi.size(), h.heights.size()});
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, yhi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(h.lo[i]) || !std::isfinite(h.hi[i]) || !std::isfinite(h.heights[i]))
      continue;
    xlo = std::min(xlo, h.lo[i]), xhi = std::max(xhi, h.hi[i]);
    yhi = std::max(yhi, h.heights[i]);
  }
  SvgFrame f;
  f.width = h.width, f.height = h.height;
  f.x = niceSvgAxis(xlo, xhi, 6);
  f.y = niceSvgAxis(0, yhi, 5);
  std::string s = svgOpen(h.width, h.height, h.title);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(h.lo[i]) || !std::isfinite(h.hi[i]) || !std::isfinite(h.heights[i]))
      continue;
    const double x0 = f.px(h.lo[i]), x1 = f.px(h.hi[i]), y = f.py(h.heights[i]);
    s += "<rect x=\"" + fmtCoord(x0) + "\" y=\"" + fmtCoord(y) + "\" width=\"" +
         fmtCoord(std::max(x1 - x0, 0.5)) + "\" height=\"" + fmtCoord(f.py(0) - y) + "\" fill=\"" +
         svgPlotColour(0) + "\" fill-opacity=\"0.8\" stroke=\"#ffffff\"/>";
  }
  s += svgAxes(f, h.x_label, h.y_label, true);
  return s + "</svg>";
}

}  // namespace sciagents::core::report
