#pragma once
/// \file Result tables in one HDF5 file, written collectively: every rank writes its own rows,
/// with parallel HDF5 (MPI-IO, collective transfers) under mpirun and plain HDF5 on one process.
/// Columns are 1-d datasets in a group; string columns are dictionaries written by rank 0.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::io {

struct TableColumn {
  std::string name;
  std::variant<std::span<const std::int64_t>, std::span<const double>> data;  ///< this rank's rows
  std::string description;  ///< stored as the dataset's `description` attribute
};

struct TableLayout {
  std::int64_t total_rows = 0;
  /// This rank's rows go to these (offset, count) runs of the file's rows, in order; the counts
  /// add up to the length of every column. Runs of different ranks do not overlap.
  std::vector<std::pair<std::int64_t, std::int64_t>> runs;
};

struct CollectiveWriteReport {
  bool parallel = false;    ///< written through MPI-IO
  bool collective = false;  ///< every transfer was collective (H5Pget_mpio_actual_io_mode)
};

/// An upper bound of the bytes write_table's file takes: the columns' data, the dictionaries'
/// strings, and an allowance for HDF5's metadata (superblock, groups, headers, attributes).
std::uintmax_t table_size_bound(const TableLayout& layout, std::size_t column_count,
                                const std::map<std::string, std::vector<std::string>>& dictionaries,
                                const std::map<std::string, std::string>& attributes);

/// Collective over comm. Before any HDF5 call, rank 0 reserves table_size_bound() bytes beside
/// `file` and frees them again, so that a disk too full for the table fails cleanly on every
/// rank at once instead of in the middle of a collective write. Creates `file` (replacing it),
/// writes `attributes` on the root group, `dictionaries` as fixed-length string datasets (rank
/// 0's values), and the columns into group `group`. Throws IoError naming the file.
CollectiveWriteReport write_table(const std::filesystem::path& file, const Comm& comm, const std::string& group,
                                  const TableLayout& layout, const std::vector<TableColumn>& columns,
                                  const std::map<std::string, std::vector<std::string>>& dictionaries,
                                  const std::map<std::string, std::string>& attributes);

/// One process: `file` with the dataset `labels` (n strings), then labelled n x n matrices
/// (row-major) added one at a time, so that only one need be in memory. Throws IoError naming
/// the file; close() reports a failed close (a full disk).
class SquareMatrixFile {
 public:
  SquareMatrixFile(const std::filesystem::path& file, const std::vector<std::string>& labels);
  ~SquareMatrixFile();
  SquareMatrixFile(const SquareMatrixFile&) = delete;
  SquareMatrixFile& operator=(const SquareMatrixFile&) = delete;

  void add(const std::string& name, std::span<const double> values);
  void add(const std::string& name, std::span<const std::int64_t> values);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemine::io
