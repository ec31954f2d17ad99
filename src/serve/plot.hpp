#pragma once
/// \file `telemine plot`: an SVG of parameters over a range, stacked on one time axis, each
/// M4-decimated to the plot's pixel width, with the mission's events shaded and detections
/// (a novelty job's detections.csv) marked.

#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine::serve {

struct PlotOptions {
  std::filesystem::path archive;
  std::string mission;
  std::vector<std::string> params;
  TimeNs from = kTimeMin;  ///< default: the mission's start
  TimeNs to = kTimeMax;    ///< default: the mission's end
  int width = 1200;
  std::filesystem::path detections;  ///< optional
  std::filesystem::path output;      ///< .svg, or .png (the same plot drawn by librsvg)
};

/// Writes the SVG (or its PNG) atomically. Returns the number of points drawn. Throws UsageError for an
/// unknown mission or parameter or a bad range, IoError for unreadable files.
std::int64_t plot(const PlotOptions& options);

}  // namespace telemine::serve
