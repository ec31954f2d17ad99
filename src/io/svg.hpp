#pragma once
/// \file SVG plots for `telemine plot` and report.html: parameters stacked on one time axis,
/// with shaded events, marked detections and optional min..max bands. Plain SVG 1.1 text, no
/// script and no external reference, so that it can be inlined in a self-contained page.

#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine::io {

/// One panel: a line through (time, value), NaN breaking it; with `lo`/`hi` (the same length
/// as `time`) a band drawn behind the line (statistics' min..max).
struct SvgSeries {
  std::string label;
  std::string unit;
  std::vector<TimeNs> time;
  std::vector<double> value;
  std::vector<double> lo, hi;
};

/// An interval shaded on the panels of `param` (every panel when empty).
struct SvgInterval {
  TimeNs start = 0;
  TimeNs end = 0;
  std::string kind;   ///< `anomaly`, `gap`, ... or `detection` (drawn as a red mark on top)
  std::string param;
  std::string text;   ///< tooltip
};

struct SvgPlot {
  std::string title;
  TimeNs from = 0;
  TimeNs to = 0;
  int width = 1000;        ///< pixels; the plot area is this minus the margins
  int panel_height = 110;
  std::vector<SvgSeries> panels;
  std::vector<SvgInterval> intervals;
};

/// The margin left of the plot area: callers decimating to the plot's pixels use plot_width().
inline constexpr int kSvgLeft = 150;
inline constexpr int kSvgRight = 20;
inline int plot_width(const SvgPlot& p) { return p.width - kSvgLeft - kSvgRight; }

/// Throws UsageError when from >= to or the width leaves no plot area.
std::string svg_plot(const SvgPlot& plot);

/// A square heat map of values in [0, 1] (NaN blank): `value[i * n + j]` for labels i, j.
std::string svg_heatmap(const std::string& title, const std::vector<std::string>& labels,
                        const std::vector<double>& value);

/// Text escaped for XML/HTML content and attributes.
std::string xml_escape(std::string_view text);

}  // namespace telemine::io
