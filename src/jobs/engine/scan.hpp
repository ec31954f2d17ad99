#pragma once
/// \file The partition scan every job kind reads its input with: in plan order, each partition
/// checked against its checksum in the catalogue (unless `verify = none`), opened and handed to
/// the kind; a corrupt or missing partition fails the job or is skipped and listed, as
/// `on-error` says; progress and timing on the way.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/archive.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {

/// What a kind does with each partition. Only `read` is required.
struct PartitionVisitor {
  /// Called first: true when the partition's results were restored (from a checkpoint); it is
  /// then neither verified, opened nor read.
  std::function<bool(const PlannedPartition&)> resume;
  /// Reads what the kind needs from the open partition. An IoError thrown here marks the
  /// partition corrupt.
  std::function<void(const PlannedPartition&, const io::PartitionReader&)> read;
  /// A partition skipped (on-error = skip), possibly after `read` ran part of the way: the kind
  /// drops what it kept of it.
  std::function<void(const PlannedPartition&)> dropped;
};

/// What a scan did on this rank.
struct ScanReport {
  std::vector<SkippedPartition> skipped;
  std::int64_t read = 0;     ///< partitions read
  std::int64_t resumed = 0;  ///< partitions restored by `resume`
  double seconds = 0;
};

/// This rank's partitions of the plan (its contiguous run), in plan order.
std::vector<const PlannedPartition*> partitions_of_rank(const Plan& plan, int rank);

/// Visits `parts` in order. Local (no collective): call it inside Comm::run_phase, so that a
/// failure on one rank reaches every rank. Throws the IoError of a corrupt partition when the
/// job's on-error is `fail`; a checksum that does not match the catalogue's is such an error,
/// raised before the partition is opened.
ScanReport for_each_partition(const Job& job, const Plan& plan, const std::vector<const PlannedPartition*>& parts,
                              const Comm& comm, const std::string& label, const PartitionVisitor& visit);

/// Throws IoError naming the file when its checksum differs from `expected` (`xxh3-64:...`).
void verify_checksum(const std::filesystem::path& file, const std::string& expected);

}  // namespace telemine::jobs
