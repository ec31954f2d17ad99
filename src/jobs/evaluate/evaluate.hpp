#pragma once
/// \file `telemine evaluate`: detections (a novelty job's detections.csv, or any detector's with
/// the same columns) scored against the archive's anomaly labels, event-wise. The math is in
/// kernels/events.hpp; this folder reads the detections, scores and writes the table.

#include <cstdio>
#include <string>

namespace telemine::jobs {

struct EvaluateOptions {
  std::string archive;
  std::string mission;
  std::string detections;  ///< detections.csv of a novelty job (or any detector's, same columns)
  std::string from, to;    ///< ISO-8601; default: the mission's whole span
  std::string output;      ///< CSV; default: evaluation.csv beside the detections
};

/// Event-wise precision, recall and F0.5, and the ESA benchmark's corrected F0.5, per
/// parameter and for the mission: a table on `out`, and a CSV. Returns the exit status.
int evaluate(const EvaluateOptions& options, std::FILE* out);

}  // namespace telemine::jobs
