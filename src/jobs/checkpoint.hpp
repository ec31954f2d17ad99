#pragma once
/// \file Per-partition (or per-piece) checkpoints of a job's partial results, in OUTPUT/.checkpoints/, so that
/// a job killed part-way (scancel, node failure, time limit, kill -9 of a rank) and run again
/// resumes from what had finished. A checkpoint is named after the partition's checksum and
/// holds its own checksum: one that does not validate is recomputed, never trusted. A stage
/// whose pieces depend on the rank count (the dependency finder's runs of pairs) puts it in its
/// key; per-partition results do not, so a stats job may resume on another number of ranks.

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
  /// The same for a stage's piece that is not a partition, by name (e.g. a run of pairs).
  std::optional<std::string> load(const std::string& name) const;
  void save(const std::string& name, const std::string& bytes) const;
  /// Removes every checkpoint of this output folder (after the product is published).
  void clear() const;

 private:
  std::filesystem::path file(const std::string& name) const;
  std::filesystem::path dir_;
  std::string stage_;
};

}  // namespace telemine::jobs
