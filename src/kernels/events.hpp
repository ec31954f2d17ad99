#pragma once
/// \file Events of novelty detection: intervals, the merge of a model's novel rows into
/// detections with the parameters responsible, and event-wise precision and recall against
/// labelled intervals (evaluate). Pure functions over spans.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace telemine::kernels {

struct Interval {
  TimeNs start = 0;
  TimeNs end = 0;  ///< exclusive
  friend bool operator==(const Interval&, const Interval&) = default;
};

/// Sorts and merges intervals that overlap or touch.
std::vector<Interval> merge_intervals(std::vector<Interval> intervals);

/// A novel row of a model (a period or window whose score is above its threshold).
struct NovelRow {
  std::int32_t model = 0;
  TimeNs start = 0, end = 0;
  double score = 0;
};

/// Novel rows of one model merged into one interval: its largest score, and per parameter of
/// the model the sum of its shares of the rows' errors.
struct Detection {
  std::int32_t model = 0;
  TimeNs start = 0, end = 0;
  double score = 0;
  std::vector<double> weight;
};

/// Sorts `rows` by (model, start, end) and merges each model's rows that overlap or touch.
/// `shares[i]` holds row i's share of its error per parameter of its model.
std::vector<Detection> merge_novel_rows(std::span<const NovelRow> rows, std::span<const std::vector<float>> shares);

/// The parameters most responsible for a detection: indices into `weight` with their share of
/// the total, largest first (ties in index order), at most `most`, and after the first only
/// those with at least `min_share`.
std::vector<std::pair<std::size_t, double>> top_contributors(std::span<const double> weight, std::size_t most = 3,
                                                             double min_share = 0.05);

/// top_contributors' shares in hundredths that add up to 100 (largest remainders), the rest of
/// the model's parameters as one last entry with index `weight.size()` when it rounds above 0.
/// No error at all: the first parameter, 100.
std::vector<std::pair<std::size_t, int>> contributor_percents(std::span<const double> weight, std::size_t most = 3,
                                                             double min_share = 0.05);

/// contributor_percents as people read them, `A:0.71;B:0.20;(others):0.09`, with the names of
/// the model's parameters (index names.size(): `(others)`).
std::string contributors_text(const std::vector<std::pair<std::size_t, int>>& percents, std::span<const std::string> names);

struct EventScore {
  std::int64_t labels = 0;            ///< labelled intervals
  std::int64_t found = 0;             ///< labelled intervals that a detection overlaps
  std::int64_t detections = 0;
  std::int64_t false_detections = 0;  ///< detections that overlap no labelled interval
  double nominal_seconds = 0;         ///< range minus the labelled intervals
  double false_seconds = 0;           ///< nominal time covered by detections

  EventScore& operator+=(const EventScore& o);
  double precision() const;  ///< (detections - false) / detections (1 when none)
  double recall() const;     ///< found / labels (1 when none)
  double f05() const;        ///< F-beta with beta = 0.5: precision weighs more
  /// ESA anomaly detection benchmark: event-wise precision times the share of nominal time
  /// not covered by false detections; and the F0.5 with it.
  double corrected_precision() const;
  double corrected_f05() const;
};

/// Event-wise scores of one parameter's detections against its labelled intervals, in `range`.
EventScore score_events(std::span<const Interval> labels, std::span<const Interval> detections, Interval range);

}  // namespace telemine::kernels
