#pragma once
/// \file A thin owning layer over the HDF5 C API (the parallel build has no supported C++ API).
/// One owning object per hid_t; every call checked, HDF5's error stack turned into an IoError
/// naming the file and object; HDF5's own printing silenced. Internal to the io layer.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace telemine::io::h5 {

/// Owns one HDF5 identifier and closes it with the right H5?close.
class Hid {
 public:
  Hid() = default;
  explicit Hid(hid_t id) noexcept : id_(id) {}
  Hid(Hid&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() { reset(); }

  hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Closes now; returns false when HDF5 reported an error (a failed flush on a file).
  bool close() noexcept;
  void reset() noexcept { close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Silences HDF5's automatic error printing, once per process.
void init();

/// Throws IoError "<file>: <object>: <what>: <innermost HDF5 message>" when id < 0.
hid_t check(hid_t id, const std::filesystem::path& file, std::string_view object, std::string_view what);
void check_status(herr_t status, const std::filesystem::path& file, std::string_view object,
                  std::string_view what);

/// The innermost message of the current error stack ("" if none).
std::string error_message();

/// Creation property lists that leave no timestamps in files, so that the same content always
/// gives the same bytes (and the same checksum).
Hid group_create_plist();

/// A new file, built in memory: save_file() writes it to `file` (nothing is on disk before).
Hid create_file(const std::filesystem::path& file);
/// Writes a file made by create_file to its path and closes it; IoError naming the file for a
/// full disk or any other failed write.
void save_file(Hid& f, const std::filesystem::path& file);
Hid open_file(const std::filesystem::path& file, bool write = false);
Hid create_group(hid_t parent, const std::string& name, const std::filesystem::path& file);
Hid open_group(hid_t parent, const std::string& name, const std::filesystem::path& file);
bool exists(hid_t parent, const std::string& name);

struct Layout {
  hsize_t chunk = 0;  ///< at most this many elements per chunk (equal chunks); 0 = contiguous
  int deflate = 0;    ///< 0 = no compression
  bool shuffle = false;
};

/// Writes a 1-d dataset of int64 / double / variable-length UTF-8 strings in one call.
void write_column(hid_t parent, const std::string& name, std::span<const std::int64_t> data,
                  const Layout& layout, const std::filesystem::path& file);
void write_column(hid_t parent, const std::string& name, std::span<const double> data,
                  const Layout& layout, const std::filesystem::path& file);
void write_column(hid_t parent, const std::string& name, const std::vector<std::string>& data,
                  const std::filesystem::path& file);
/// Writes a rows x cols dataset (row-major `data`) in one call, contiguous.
void write_matrix(hid_t parent, const std::string& name, std::span<const double> data, std::size_t rows,
                  std::size_t cols, const std::filesystem::path& file);
void write_matrix(hid_t parent, const std::string& name, std::span<const std::int64_t> data, std::size_t rows,
                  std::size_t cols, const std::filesystem::path& file);

/// Number of elements of a 1-d dataset.
std::int64_t column_size(hid_t parent, const std::string& name, const std::filesystem::path& file);
/// Reads elements [offset, offset + count) of a 1-d dataset into out (resized).
void read_column(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count,
                 std::vector<std::int64_t>& out, const std::filesystem::path& file);
void read_column(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count,
                 std::vector<double>& out, const std::filesystem::path& file);
/// Reads into the end of `out` (appending) without a temporary copy.
void read_column_append(hid_t parent, const std::string& name, std::int64_t offset,
                        std::int64_t count, std::vector<std::int64_t>& out,
                        const std::filesystem::path& file);
void read_column_append(hid_t parent, const std::string& name, std::int64_t offset,
                        std::int64_t count, std::vector<double>& out, const std::filesystem::path& file);
std::vector<std::string> read_strings(hid_t parent, const std::string& name,
                                      const std::filesystem::path& file);

void write_attribute(hid_t obj, const std::string& name, std::string_view value,
                     const std::filesystem::path& file);
void write_attribute(hid_t obj, const std::string& name, std::int64_t value,
                     const std::filesystem::path& file);
std::string read_string_attribute(hid_t obj, const std::string& name, const std::filesystem::path& file);
std::int64_t read_int_attribute(hid_t obj, const std::string& name, const std::filesystem::path& file);
bool has_attribute(hid_t obj, const std::string& name);
/// Every attribute of obj whose value is a string, as (name, value).
std::vector<std::pair<std::string, std::string>> string_attributes(hid_t obj,
                                                                   const std::filesystem::path& file);

/// Names of the links in a group, in name order.
std::vector<std::string> list_group(hid_t group, const std::filesystem::path& file);

}  // namespace telemine::io::h5
