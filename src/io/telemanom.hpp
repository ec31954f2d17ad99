#pragma once
/// \file The telemanom layout (Hundman et al. 2018, and the SMAP/MSL redistribution):
///   DIR/train/<chan>.npy, DIR/test/<chan>.npy   (rows, columns) float; column 0 = telemetry,
///                                                columns 1.. = command flags
///   DIR/labeled_anomalies.csv                   chan_id,spacecraft,anomaly_sequences,class,num_values
///
/// Column 0 becomes parameter `<chan>` (numeric); column k >= 1 becomes `<chan>.cmd<k>` (state).
/// Train row i is at kTrainEpoch + i * period, test row i at kTestEpoch + i * period. Each labelled
/// sequence [a, b] (inclusive rows of the test file) becomes an anomaly event
/// [test time of a, test time of b + period) on parameter `<chan>`, with its class.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/ingest.hpp"

namespace telemine::io {

inline constexpr TimeNs kTelemanomTrainEpoch = 946684800LL * kSecond;  // 2000-01-01T00:00:00Z
inline constexpr TimeNs kTelemanomTestEpoch = 978307200LL * kSecond;   // 2001-01-01T00:00:00Z

struct TelemanomLabel {
  std::string channel;
  std::int64_t first_row = 0;  ///< inclusive
  std::int64_t last_row = 0;   ///< inclusive
  std::string cls;             ///< `point`, `contextual`, ... (merged sequences: `contextual+point`)
  std::int64_t num_values = 0; ///< test rows of the channel, as the labels file says
  int line = 0;                ///< line of the labels file it comes from (the first, when merged)
};

/// Channel names, sorted: every channel has a train and a test file. Throws IoError when DIR is
/// not in the layout, or a channel lacks one of its files (names what is missing).
std::vector<std::string> list_telemanom_channels(const std::filesystem::path& dir);

/// Throws IoError `CSV:LINE: ...` for a label of a channel that is not in `channels` (sorted).
void check_label_channels(const std::filesystem::path& csv, const std::vector<TelemanomLabel>& labels,
                          const std::vector<std::string>& channels);

/// Parses labeled_anomalies.csv; overlapping or touching sequences of one channel (P-2 appears
/// twice) are merged into one. Throws IoError `FILE:LINE: ...`.
std::vector<TelemanomLabel> read_telemanom_labels(const std::filesystem::path& csv);

/// One channel's train and test rows, its parameters and its anomaly events.
/// Throws IoError when the train rows would run into the test epoch, or the test file's row
/// count differs from the labels' num_values.
IngestBatch read_telemanom_channel(const std::filesystem::path& dir, const std::string& channel,
                                   DurationNs period,
                                   const std::vector<TelemanomLabel>& labels);

}  // namespace telemine::io
