#pragma once
/// \file `telemine evaluate --metrics esa-adb`: ESA-ADB's scores (kernels/esa_metrics.hpp) of
/// any detector's output against the archive's labels. Kept apart from today's evaluate so
/// that it moves with it as one call.
///
/// Detections, recognised by their header:
///  - telemine's detections.csv (`mission,param,start,end,...`), rows of other missions ignored;
///  - `param,start,end` intervals, end exclusive;
///  - ESA-ADB's layout `timestamp,is_anomaly_<channel>,...` (a binary series per channel).
/// Labels: the mission's events on a parameter, with their id and types (an event without an
/// id is its own anomaly). `select` filters them as ESA-ADB's select_labels does
/// (`Category=Anomaly`, the default: rare nominal events are not scored but are no false alarms).

#include <cstdio>
#include <string>
#include <vector>

#include "jobs/evaluate/evaluate.hpp"

namespace telemine::jobs {

/// `select`: `Field=Value[,Value...]` with Field one of Class, Subclass, Category,
/// Dimensionality, Locality, Length (values of one field are alternatives, fields all apply).
/// Writes a table on `out` and one CSV row (`output`, default evaluation_esa.csv beside the
/// detections) with ESA-ADB's column names. Throws UsageError for a bad selection or file line.
int evaluate_esa(const EvaluateOptions& options, const std::vector<std::string>& select, std::FILE* out);

}  // namespace telemine::jobs
