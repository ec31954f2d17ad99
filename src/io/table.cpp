#include "io/table.hpp"

#include <mpi.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/h5.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

namespace {

// The same creation properties at any rank count, so that the file has the same bytes whether
// one process wrote it (serial HDF5) or several (MPI-IO): space allocated when the dataset is
// created (parallel HDF5 always does so; serial HDF5 would wait for the first write, and
// lay the file out in another order), no fill values written first, no timestamps.
h5::Hid table_dataset_plist() {
  h5::Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl, false);
  H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
  return dcpl;
}

/// Thrown on the ranks whose own part was written when another rank's failed.
struct AnotherRankFailed {};

// On a full disk one rank's part of a collective write can fail while another's is written.
// Leaving the sequence of collective HDF5 calls on one rank only would hang the others in the
// next one (or in H5Fclose), so the ranks agree after every write and leave it together; the
// rank that failed carries the message.
void agree_written(const Comm& comm, herr_t status, const fs::path& file, const std::string& name) {
  if (comm.all_ok(status >= 0)) return;
  h5::check_status(status, file, name, "cannot write dataset (disk full?)");
  throw AnotherRankFailed{};
}

// A dictionary's fixed string length: its longest value (at least 1, as HDF5 requires).
std::size_t dictionary_width(const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  return width;
}

// Dictionaries: fixed-length strings, since parallel HDF5 cannot write variable-length data.
void write_dictionary(hid_t parent, const std::string& name, const std::vector<std::string>& values, const Comm& comm,
                      const fs::path& file, hid_t dxpl) {
  const bool writer = comm.is_root();
  const std::size_t width = dictionary_width(values);
  h5::Hid type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hsize_t n = values.size();
  h5::Hid space(H5Screate_simple(1, &n, nullptr));
  h5::Hid dcpl = table_dataset_plist();
  h5::Hid ds(h5::check(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), file, name,
                       "cannot create dataset"));
  std::string buf(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), buf.begin() + i * width);
  h5::Hid fsel(H5Dget_space(ds));
  if (!writer || n == 0) H5Sselect_none(fsel);
  const hsize_t mn = writer ? n : 0;
  h5::Hid msel(H5Screate_simple(1, &mn, nullptr));
  if (!writer || n == 0) H5Sselect_none(msel);
  agree_written(comm, H5Dwrite(ds, type, msel, fsel, dxpl, buf.data()), file, name);
}

// Reserves `bytes` in the file's folder and frees them: a full disk is found here, where every rank
// can agree on it, rather than by one rank in the middle of a collective write, whose error path
// in parallel HDF5 cannot be left by one rank alone. Another process filling the disk between
// this and the write is not covered. Only the errors that mean "no room" count; a filesystem that
// cannot reserve at all is left to the write. fallocate(2), not posix_fallocate: where the
// filesystem has no fallocate, glibc's fallback writes a byte in every block, as much I/O again.
std::string reserve_space(const fs::path& file, std::uintmax_t bytes) {
  const fs::path reserve = file.string() + ".reserve";
  const int fd = ::open(reserve.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno == ENOSPC || errno == EDQUOT ? file.string() + ": " + std::strerror(errno) : "";
  const int rc = ::fallocate(fd, 0, 0, static_cast<off_t>(bytes)) == 0 ? 0 : errno;
  ::close(fd);
  ::unlink(reserve.c_str());
  if (rc != ENOSPC && rc != EDQUOT && rc != EFBIG) return "";
  return file.string() + ": " + std::strerror(rc) + " (the table needs up to " + std::to_string(bytes / 1024 + 1) +
         " KiB)";
}

}  // namespace

std::uintmax_t table_size_bound(const TableLayout& layout, std::size_t column_count,
                                const std::map<std::string, std::vector<std::string>>& dictionaries,
                                const std::map<std::string, std::string>& attributes) {
  // Measured: a table of 11 columns takes under 24 KiB besides its data; the allowance is ample.
  std::uintmax_t bytes = 64 * 1024 + 8 * static_cast<std::uintmax_t>(layout.total_rows) * column_count;
  bytes += 4096 * (column_count + dictionaries.size());
  for (const auto& [name, values] : dictionaries) bytes += dictionary_width(values) * values.size() + name.size();
  for (const auto& [k, v] : attributes) bytes += 512 + k.size() + v.size();
  return bytes;
}

CollectiveWriteReport write_table(const fs::path& file, const Comm& comm, const std::string& group,
                                  const TableLayout& layout, const std::vector<TableColumn>& columns,
                                  const std::map<std::string, std::vector<std::string>>& dictionaries,
                                  const std::map<std::string, std::string>& attributes) {
  h5::init();
  CollectiveWriteReport report;
  report.parallel = comm.is_mpi() && comm.size() > 1;
  report.collective = true;
  std::int64_t mine = 0;
  for (const auto& [off, count] : layout.runs) mine += count;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    const std::string full = reserve_space(file, table_size_bound(layout, columns.size(), dictionaries, attributes));
    if (!full.empty()) throw IoError(full);
  });

  // Every HDF5 call below is made by every rank in the same order (parallel HDF5 requires it for
  // anything that changes metadata); a failure is agreed on at the end.
  h5::Hid fapl(H5Pcreate(H5P_FILE_ACCESS));
  h5::Hid dxpl(H5Pcreate(H5P_DATASET_XFER));
  if (report.parallel) {
    H5Pset_fapl_mpio(fapl, *static_cast<MPI_Comm*>(comm.native_handle()), MPI_INFO_NULL);
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  }
  std::string error;
  try {
    h5::Hid f(h5::check(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), file, "", "cannot create"));
    for (const auto& [k, v] : attributes) h5::write_attribute(f, k, v, file);
    for (const auto& [name, values] : dictionaries) write_dictionary(f, name, values, comm, file, dxpl);
    h5::Hid g = h5::create_group(f, group, file);
    for (const auto& col : columns) {
      const bool is_int = std::holds_alternative<std::span<const std::int64_t>>(col.data);
      const void* data = is_int ? static_cast<const void*>(std::get<0>(col.data).data())
                                : static_cast<const void*>(std::get<1>(col.data).data());
      const std::size_t n = is_int ? std::get<0>(col.data).size() : std::get<1>(col.data).size();
      if (static_cast<std::int64_t>(n) != mine) throw InternalError("write_table: column " + col.name + " has the wrong length");
      const hsize_t total = static_cast<hsize_t>(layout.total_rows);
      h5::Hid space(H5Screate_simple(1, &total, nullptr));
      h5::Hid dcpl = table_dataset_plist();
      h5::Hid ds(h5::check(H5Dcreate2(g, col.name.c_str(), is_int ? H5T_STD_I64LE : H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                      dcpl, H5P_DEFAULT),
                           file, col.name, "cannot create dataset"));
      if (!col.description.empty()) h5::write_attribute(ds, "description", col.description, file);
      h5::Hid fsel(H5Dget_space(ds));
      H5Sselect_none(fsel);
      for (const auto& [off, count] : layout.runs) {
        if (count == 0) continue;
        const hsize_t start = static_cast<hsize_t>(off), c = static_cast<hsize_t>(count);
        H5Sselect_hyperslab(fsel, H5S_SELECT_OR, &start, nullptr, &c, nullptr);
      }
      const hsize_t m = static_cast<hsize_t>(mine);
      h5::Hid msel(H5Screate_simple(1, &m, nullptr));
      if (mine == 0) H5Sselect_none(msel);
      agree_written(comm, H5Dwrite(ds, is_int ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, msel, fsel, dxpl, data), file,
                    col.name);
      if (report.parallel) {
        H5D_mpio_actual_io_mode_t mode{};
        H5Pget_mpio_actual_io_mode(dxpl, &mode);
        // A rank with no rows takes part but moves nothing: HDF5 reports no collective I/O for it.
        if (mine > 0 && mode == H5D_MPIO_NO_COLLECTIVE) report.collective = false;
      }
    }
    g.close();
    if (!f.close()) throw IoError(file.string() + ": cannot close (disk full?)");
  } catch (const AnotherRankFailed&) {
    // its message comes from that rank, below
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm.run_phase([&] {
    if (!error.empty()) throw IoError(error);
  });
  report.collective = comm.all_ok(report.collective);
  return report;
}

struct SquareMatrixFile::Impl {
  std::filesystem::path file;
  std::size_t n = 0;
  h5::Hid f;
};

SquareMatrixFile::SquareMatrixFile(const std::filesystem::path& file, const std::vector<std::string>& labels)
    : impl_(std::make_unique<Impl>()) {
  h5::init();
  impl_->file = file;
  impl_->n = labels.size();
  impl_->f = h5::create_file(file);
  h5::write_column(impl_->f, "labels", labels, file);
}

SquareMatrixFile::~SquareMatrixFile() = default;  // Hid closes quietly

void SquareMatrixFile::add(const std::string& name, std::span<const double> values) {
  h5::write_matrix(impl_->f, name, values, impl_->n, impl_->n, impl_->file);
}

void SquareMatrixFile::add(const std::string& name, std::span<const std::int64_t> values) {
  h5::write_matrix(impl_->f, name, values, impl_->n, impl_->n, impl_->file);
}

void SquareMatrixFile::close() {
  h5::save_file(impl_->f, impl_->file);
}

}  // namespace telemine::io
