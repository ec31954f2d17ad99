#include "jobs/engine/scan.hpp"

#include <chrono>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "jobs/job.hpp"

namespace telemine::jobs {

std::vector<const PlannedPartition*> partitions_of_rank(const Plan& plan, int rank) {
  std::vector<const PlannedPartition*> out;
  for (auto i = plan.rank_begin[rank]; i < plan.rank_begin[rank + 1]; ++i) out.push_back(&plan.partitions[i]);
  return out;
}

void verify_checksum(const std::filesystem::path& file, const std::string& expected) {
  const std::string actual = io::file_checksum(file);
  if (actual != expected)
    throw IoError(file.string() + ": checksum " + actual + " differs from the catalogue's " + expected +
                  ": the partition is corrupt (on-error = skip leaves it out; verify = none does not check)");
}

ScanReport for_each_partition(const Job& job, const Plan& plan, const std::vector<const PlannedPartition*>& parts,
                              const Comm& comm, const std::string& label, const PartitionVisitor& visit) {
  const auto start = std::chrono::steady_clock::now();
  ScanReport report;
  const io::Archive archive = io::Archive::open(job.common().archive);
  Progress progress(comm, label, static_cast<std::int64_t>(parts.size()), "partitions", job.progress());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const PlannedPartition& part = *parts[i];
    if (visit.resume && visit.resume(part)) {
      ++report.resumed;
    } else {
      const std::string& mission = plan.missions[static_cast<std::size_t>(part.mission)].name;
      try {
        const auto path = archive.partition_path(mission, part.info);
        if (job.common().verify) verify_checksum(path, part.info.checksum);
        visit.read(part, io::PartitionReader::open(path));
        ++report.read;
      } catch (const IoError& err) {
        if (job.common().on_error == OnError::fail) throw;
        report.skipped.push_back({mission, part.info.file, err.what()});
        if (visit.dropped) visit.dropped(part);
      }
    }
    progress.update(static_cast<std::int64_t>(i + 1));
  }
  progress.finish();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace telemine::jobs
