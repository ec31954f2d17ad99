#pragma once
/// \file Fixity of the archive: every partition file's checksum (xxh3, io::file_checksum)
/// against the one its mission's catalogue recorded, read in parallel: the files, in catalogue
/// order, are split into contiguous runs of about equal bytes, one per rank. Files in a mission
/// folder that no catalogue lists are reported too. The report is the same at any rank count.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::jobs::products {

struct FixityFinding {
  std::string state;  ///< `damaged`, `missing`, `extra`, `unreadable`
  std::string mission;
  std::string file;  ///< relative to the mission folder
  std::string detail;
};

struct FixityReport {
  std::int64_t files = 0;  ///< partitions the catalogues list
  std::int64_t bytes = 0;  ///< bytes read
  std::int64_t intact = 0;
  std::vector<FixityFinding> findings;  ///< by mission, then file
  bool damaged() const noexcept { return !findings.empty(); }
};

/// Collective. `mission` empty: every mission of the archive. The report is on rank 0.
/// Throws UsageError for an unknown mission, IoError for a missing archive or unreadable catalogue.
FixityReport verify_archive(const std::filesystem::path& archive, const std::string& mission, const Comm& comm);

/// `damaged MISSION FILE: ...` lines, then a summary line.
void print_fixity(const FixityReport& r, std::FILE* out);

/// Contiguous runs of `sizes` for `ranks` ranks, about equal in sum: rank r takes
/// [begin[r], begin[r+1]). Every item is assigned; ranks past the data get none.
std::vector<std::int64_t> split_by_bytes(const std::vector<std::int64_t>& sizes, int ranks);

}  // namespace telemine::jobs::products
