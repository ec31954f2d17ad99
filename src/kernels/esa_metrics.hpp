#pragma once
/// \file The metrics of the ESA Anomaly Detection Benchmark (ESA-ADB, Kotowski et al. 2024,
/// github.com/kplabs-pl/ESA-ADB, timeeval/metrics): the event-wise precision corrected by the
/// true-negative rate in time, recall and F-beta (ESAScores); alarming precision; the
/// affiliation-based precision, recall and F-beta (Huet et al. 2022, as ESA-ADB calls it);
/// the channel- and subsystem-aware F-beta (ChannelAwareFScore); and the detection timing
/// quality curve (ADTQC). Pure functions over intervals, with ESA-ADB's definitions to the
/// letter, including its conventions at the edges (a zone without a detection has an
/// affiliation precision of 0.5; a point label lasts 1 ns in the affiliation metrics and 1 ms
/// in the channel-aware ones), so that a dataset scored here and with ESA-ADB's Python code
/// gets the same numbers.

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace telemine::kernels::esa {

/// One row of ESA-ADB's labels.csv joined with anomaly_types.csv: the closed interval
/// [start, end] of anomaly `id` on `channel`. `selected` is the outcome of the type filter
/// (`select_labels`): unselected rows are not scored but still are not false alarms.
struct Label {
  std::string id;
  std::string channel;
  TimeNs start = 0;
  TimeNs end = 0;  ///< inclusive: ESA-ADB's intervals are closed
  bool selected = true;
};

/// An interval of time with closed or open ends (ESA-ADB uses the `portion` library).
struct Span {
  TimeNs lo = 0;
  TimeNs hi = 0;
  bool lo_closed = true;
  bool hi_closed = false;
  friend bool operator==(const Span&, const Span&) = default;
};

/// Detections of one channel as ESA-ADB builds them from a binary series (`timestamp`,
/// `is_anomaly`): the series is extended to [range_lo, range_hi] by repeating its first and last
/// values, and each run of ones from t_i to just before the next zero at t_j is [t_i, t_j), or
/// [t_i, t_last] when the run reaches the end (convert_time_series_to_events).
std::vector<Span> events_from_samples(std::span<const TimeNs> time, std::span<const std::uint8_t> flag,
                                      TimeNs range_lo, TimeNs range_hi);

/// Detections given as half-open intervals [start, end) (telemine's detections.csv, or a
/// `param,start,end` list): the binary series that holds them (1 at each merged start, 0 at
/// its end), converted as above. Intervals are clipped to the range.
std::vector<Span> events_from_intervals(std::vector<std::pair<TimeNs, TimeNs>> intervals, TimeNs range_lo,
                                        TimeNs range_hi);

/// ESAScores: event-wise and affiliation-based scores of one detection series (every
/// channel's labels together, as ESA-ADB scores a detector's combined output).
struct Scores {
  std::int64_t true_positives = 0;   ///< selected anomaly ids with at least one detection
  std::int64_t false_negatives = 0;  ///< selected anomaly ids without one
  std::int64_t false_positives = 0;  ///< detections that touch no label at all
  std::int64_t redundant = 0;        ///< extra detections of the same labelled interval
  double tnr = 1;                    ///< true-negative rate in time (the precision's correction)
  double alarming_precision = 0;
  double ew_precision = 0;  ///< corrected by tnr (Sehili et al. 2023)
  double ew_recall = 0;
  double ew_f = 0;          ///< F-beta of the two above
  double aff_precision = 0;  ///< NaN when no zone is selected
  double aff_recall = 0;
  double aff_f = 0;
};

/// `labels` in the order of labels.csv (it fixes the averaging order, as in pandas);
/// `pred` sorted, disjoint (events_from_*). [range_lo, range_hi] is ESA-ADB's full_range.
Scores esa_scores(std::span<const Label> labels, std::span<const Span> pred, TimeNs range_lo, TimeNs range_hi,
                  double beta = 0.5);

/// Detections of one channel, in the order of the detector's channels (y_pred's keys).
struct ChannelEvents {
  std::string channel;
  std::vector<Span> events;
};

/// ChannelAwareFScore: per selected anomaly id, which channels were flagged within the
/// anomaly's time (precision, recall, F-beta over channels), averaged over ids; and the same
/// over subsystems when `subsystems` (name, channels) is not empty.
struct ChannelScores {
  double channel_precision = 0, channel_recall = 0, channel_f = 0;
  bool has_subsystems = false;
  double subsystem_precision = 0, subsystem_recall = 0, subsystem_f = 0;
};
ChannelScores channel_aware(std::span<const Label> labels, std::span<const ChannelEvents> pred,
                            std::span<const std::pair<std::string, std::vector<std::string>>> subsystems,
                            double beta = 0.5);

/// ADTQC: how early or late the first detection of each detected anomaly came, scored by
/// ESA-ADB's timing curve (1 at the anomaly's start, falling to 0 at -alpha before it and at its
/// length after it). `total` and `after_rate` are NaN when no anomaly was detected.
struct Timing {
  std::int64_t before = 0;  ///< Nb_Before
  std::int64_t after = 0;   ///< Nb_After
  double after_rate = 0;    ///< AfterRate
  double total = 0;         ///< Total: the mean curve value
};
Timing adtqc(std::span<const Label> labels, std::span<const ChannelEvents> pred, double exponent = 2.718281828459045);

/// np.mean's summation (pairwise, 8 accumulators per block of 128), so that averages match
/// ESA-ADB's to the last bit. NaN for an empty input.
double numpy_mean(std::span<const double> values);

/// The affiliation probabilities of each ground-truth event: `gt` and `pred` are sorted,
/// disjoint [start, stop) pairs in ns (ESA-ADB's events_*_ns), `trange` includes them all.
/// Returns (precision, recall) per ground-truth event, computed with Python's number types
/// (exact integers where it has them), as the affiliation package does. `numpy_end`: the
/// range's end is a NumPy integer (ESA-ADB's np.max of the events reached it), which changes
/// how the last zone's end compares.
std::vector<std::pair<double, double>> affiliation_probabilities(std::span<const std::pair<TimeNs, TimeNs>> pred,
                                                                 std::span<const std::pair<TimeNs, TimeNs>> gt,
                                                                 std::pair<TimeNs, TimeNs> trange, bool numpy_end = false);

/// F-beta as ESA-ADB writes it: (1 + b^2) p r / (b^2 p + r), 0 when both are 0.
double f_beta(double precision, double recall, double beta);

}  // namespace telemine::kernels::esa
