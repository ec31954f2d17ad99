#pragma once
/// \file ESA-ADB's dataset layout (github.com/kplabs-pl/ESA-ADB, the Mission1/Mission2 folders
/// of its published data): reading it for `ingest --format esa-adb`, and the CSV records that
/// its files and telemine's label files share.
///
///   channels.csv        Channel,Subsystem,Physical Unit,Group,Target,Categorical
///   labels.csv          ID,Channel,StartTime,EndTime
///   anomaly_types.csv   ID,Class,Subclass,Category,Dimensionality,Locality,Length
///   telecommands.csv    Telecommand,Priority
///   events.csv          ID,Event,StartTime,EndTime (optional)
///   <split>.csv         timestamp,<channel>...,is_anomaly_<channel>... (preprocessed, wide)
///   scaling.csv         Channel,Min,Max (telemine's `--scale minmax`: undone on import)
///
/// Or ESA-ADB's published preprocessed CSVs alone (no channels.csv): `<n>_months.train.csv`,
/// `<n>_months.test.csv` as its notebooks/data-prep scripts write them, `timestamp`
/// (`%Y-%m-%d %H:%M:%S`), channel_N and telecommand_N columns, then is_anomaly_<column> with
/// ESA-ADB's label values (0 nominal, 1 anomaly, 2 rare event, 3 communication gap, 4 invalid).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "io/ingest.hpp"

namespace telemine::io {

/// One CSV record (RFC 4180: quoted fields, doubled quotes); `\r` at the end is dropped.
std::vector<std::string> split_csv(std::string_view line);
/// A field quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text);

/// Reads an ESA-ADB dataset folder: the channels (subsystem, unit, categorical as `state`), their
/// samples from every wide CSV (`timestamp,<channel>...`; an empty cell is no sample), and the
/// labels with their types as events (kind from the Category: `anomaly`, `rare-nominal`,
/// `gap`), events.csv's events too. Without channels.csv, ESA-ADB's preprocessed CSVs: every
/// column a channel, the runs of the is_anomaly columns its labels (ids id_0, id_1, ... in time
/// order). Throws IoError `FILE:LINE: ...` for a malformed row.
IngestBatch read_esa_adb(const std::filesystem::path& folder);

}  // namespace telemine::io
