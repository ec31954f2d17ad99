#pragma once
/// \file `telemine dataset export --format esa-adb`: a curated benchmark dataset cut from the
/// archive in ESA-ADB's layout (io/esa_adb.hpp): channels.csv, labels.csv, anomaly_types.csv,
/// telecommands.csv, events.csv, one wide CSV per split (`timestamp`, one column per channel,
/// one `is_anomaly_<channel>` per target channel) resampled by zero-order hold on the grid;
/// metadata.json (Croissant, schema.org Dataset in JSON-LD), a README.md datasheet,
/// SHA256SUMS and product.json.
///
/// Collective: each rank resamples its own contiguous share of every split's grid rows and
/// formats them; rank 0 writes the rows in rank order, so the files are the same byte for byte
/// at any rank count (product.json records the rank count). Everything is written into a
/// temporary folder beside OUTPUT and renamed to OUTPUT when complete.
///
/// The samples at labelled points are kept as ESA-ADB's preprocessing keeps them (restored on
/// the grid row after their bin, kernels/esa_resample.hpp), and `scale = minmax` scales every
/// channel by the min and max of its train-split grid values, recorded in scaling.csv and in
/// metadata.json's variableMeasured so that a user can undo it.
///
/// `--format telemanom` writes the same grid values as telemanom's layout instead (one column
/// per channel file, readable by `ingest --format telemanom --period GRID` and numpy), with the
/// labels as inclusive test-row sequences in labeled_anomalies.csv.

#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {
class Job;
}

namespace telemine::jobs::dataset {

struct Split {
  std::string name;
  TimeNs from = 0, to = 0;  ///< grid rows at from, from + grid, ... < to
};

struct ExportOptions {
  std::string archive, mission;
  std::vector<std::string> params;   ///< empty: every parameter
  std::vector<std::string> targets;  ///< channels with an is_anomaly column; empty: all
  DurationNs grid = 30 * kSecond;
  std::vector<Split> splits;
  std::string output;
  bool anonymise = false;            ///< channel_1, channel_2, ... in every file
  bool drop_rare_nominal = false;    ///< leave rare nominal events out of the labels
  std::string command;               ///< the command line, for the datasheet and product.json
  std::string format = "esa-adb";    ///< or `telemanom`: train/<chan>.npy, test/<chan>.npy,
                                     ///< labeled_anomalies.csv (splits `train` and `test`)
  std::string scale = "none";        ///< or `minmax`: fitted on the split `train` (else the first)
  bool restore_labelled = true;      ///< ESA-ADB's restoration of labelled samples
  /// How errors name each setting: the option from the command line (`--split`), the job file's
  /// place and key from a job (`job.ini:9: key 'dataset.split'`).
  struct Names {
    std::string split = "--split", grid = "--grid", params = "--params", targets = "--targets", output = "--output",
                mission = "--mission", format = "--format";
  } names;
};

/// `train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-03`. Throws UsageError naming `name`.
std::vector<Split> parse_splits(const std::string& text, const std::string& name = "--split");

/// Collective. Throws UsageError (exit 2) for a split that overlaps another or falls outside
/// the data, a grid that does not divide a split, an unknown parameter or target, an output
/// folder that exists and is not empty: all before any resampling; nothing is left behind.
void export_esa_adb(const ExportOptions& options, const Comm& comm);

/// `kind = dataset` (the [dataset] section's keys, the common archive, mission, params, output).
int run_export_job(const Job& job, const Comm& comm);

}  // namespace telemine::jobs::dataset
