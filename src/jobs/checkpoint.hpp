#pragma once
/// \file Per-partition checkpoints of a job's partial results, in OUTPUT/.checkpoints/, so that
/// a job killed part-way (scancel, node failure, time limit, kill -9 of a rank) and run again
/// resumes from what had finished. A checkpoint is named after the partition's checksum and
/// holds its own checksum: one that does not validate is recomputed, never trusted. Partial
/// results do not depend on the rank count, so a job may resume on a different number of ranks.

#include <filesystem>
#include <optional>
#include <string>

#include "io/archive.hpp"

namespace telemine::jobs {

class Checkpoints {
 public:
  /// `stage` names what is saved (e.g. `stats-1h`), so that a job with other settings writing to
  /// the same output folder never reads this one's checkpoints.
  Checkpoints(const std::filesystem::path& output, std::string stage);

  /// The saved bytes for this partition, if a valid checkpoint exists.
  std::optional<std::string> load(const io::PartitionInfo& partition) const;
  /// Saves atomically (temporary name, rename). A failure to save only costs a later resume.
  void save(const io::PartitionInfo& partition, const std::string& bytes) const;
  /// Removes every checkpoint of this output folder (after the product is published).
  void clear() const;

 private:
  std::filesystem::path file(const io::PartitionInfo& partition) const;
  std::filesystem::path dir_;
  std::string stage_;
};

}  // namespace telemine::jobs
