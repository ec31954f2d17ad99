#include "io/h5.hpp"

#include <mutex>

#include "core/error.hpp"

namespace telemine::io::h5 {

bool Hid::close() noexcept {
  if (id_ < 0) return true;
  herr_t rc = 0;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: rc = H5Fclose(id_); break;
    case H5I_GROUP: rc = H5Gclose(id_); break;
    case H5I_DATASET: rc = H5Dclose(id_); break;
    case H5I_DATASPACE: rc = H5Sclose(id_); break;
    case H5I_DATATYPE: rc = H5Tclose(id_); break;
    case H5I_ATTR: rc = H5Aclose(id_); break;
    case H5I_GENPROP_LST: rc = H5Pclose(id_); break;
    default: rc = H5Idec_ref(id_); break;
  }
  id_ = H5I_INVALID_HID;
  return rc >= 0;
}

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    // After a failed write (a full disk) HDF5 1.10 may keep the file in its tables, and its exit
    // handler then crashes closing it again. Every file we write is closed explicitly, so the
    // exit handler has nothing left to do: leave it out.
    H5dont_atexit();
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

std::string error_message() {
  std::string innermost;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
        if (n == 0 && e->desc != nullptr) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &innermost);
  H5Eclear2(H5E_DEFAULT);
  // The file driver's messages carry the whole pwrite call; the system's reason is what matters.
  const auto reason = innermost.find("error message = '");
  if (reason != std::string::npos) {
    const auto begin = reason + 17;
    const auto what = innermost.substr(0, innermost.find(':'));
    return what + ": " + innermost.substr(begin, innermost.find('\'', begin) - begin);
  }
  return innermost;
}

namespace {
[[noreturn]] void fail(const std::filesystem::path& file, std::string_view object, std::string_view what) {
  std::string msg = file.string();
  if (!object.empty()) msg.append(": ").append(object);
  msg.append(": ").append(what);
  const std::string detail = error_message();
  if (!detail.empty()) msg.append(" (HDF5: ").append(detail).append(")");
  throw IoError(msg);
}
}  // namespace

hid_t check(hid_t id, const std::filesystem::path& file, std::string_view object, std::string_view what) {
  if (id < 0) fail(file, object, what);
  return id;
}

void check_status(herr_t status, const std::filesystem::path& file, std::string_view object,
                  std::string_view what) {
  if (status < 0) fail(file, object, what);
}

Hid group_create_plist() {
  Hid plist(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_obj_track_times(plist, false);
  return plist;
}

Hid create_file(const std::filesystem::path& file) {
  init();
  return Hid(check(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), file, "",
                   "cannot create HDF5 file"));
}

Hid open_file(const std::filesystem::path& file, bool write) {
  init();
  return Hid(check(H5Fopen(file.c_str(), write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT), file, "",
                   "cannot open as HDF5 (missing, unreadable or corrupt)"));
}

Hid create_group(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  Hid gcpl = group_create_plist();
  return Hid(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), file, name,
                   "cannot create group"));
}

Hid open_group(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  return Hid(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), file, name, "missing or unreadable group"));
}

bool exists(hid_t parent, const std::string& name) { return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0; }

namespace {

Hid dataset_plist(const Layout& layout, hsize_t n) {
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl, false);
  if (layout.chunk > 0 && n > 0) {
    // Chunks of equal size, at most layout.chunk: a dataset just over one chunk gets two halves,
    // not a full chunk and a nearly empty one (chunks are allocated whole).
    const hsize_t pieces = (n + layout.chunk - 1) / layout.chunk;
    const hsize_t chunk = (n + pieces - 1) / pieces;
    H5Pset_chunk(dcpl, 1, &chunk);
    if (layout.shuffle) H5Pset_shuffle(dcpl);
    if (layout.deflate > 0) H5Pset_deflate(dcpl, static_cast<unsigned>(layout.deflate));
  }
  return dcpl;
}

void write_numeric(hid_t parent, const std::string& name, const void* data, std::size_t n,
                   hid_t file_type, hid_t mem_type, const Layout& layout, const std::filesystem::path& file) {
  const hsize_t dims = n;
  Hid space(H5Screate_simple(1, &dims, nullptr));
  Hid dcpl = dataset_plist(layout, dims);
  Hid ds(check(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), file,
               name, "cannot create dataset"));
  if (n > 0)
    check_status(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file, name,
                 "cannot write dataset");
  if (!ds.close()) fail(file, name, "cannot close dataset");
}

void write_2d(hid_t parent, const std::string& name, const void* data, std::size_t rows, std::size_t cols,
              hid_t file_type, hid_t mem_type, const std::filesystem::path& file) {
  const hsize_t dims[2] = {rows, cols};
  Hid space(H5Screate_simple(2, dims, nullptr));
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl, false);  // the same content gives the same bytes
  Hid ds(check(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), file, name,
               "cannot create dataset"));
  if (rows * cols > 0)
    check_status(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file, name, "cannot write dataset");
  if (!ds.close()) fail(file, name, "cannot close dataset");
}

Hid open_dataset(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  return Hid(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), file, name, "missing or unreadable dataset"));
}

template <class T>
void read_into(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count, T* out,
               hid_t mem_type, const std::filesystem::path& file) {
  if (count <= 0) return;
  Hid ds = open_dataset(parent, name, file);
  Hid fspace(check(H5Dget_space(ds), file, name, "cannot get dataspace"));
  hsize_t dims = 0;
  if (H5Sget_simple_extent_ndims(fspace) != 1) fail(file, name, "expected a 1-d dataset");
  H5Sget_simple_extent_dims(fspace, &dims, nullptr);
  if (offset < 0 || static_cast<hsize_t>(offset + count) > dims)
    fail(file, name, "read beyond the end of the dataset");
  const hsize_t start = static_cast<hsize_t>(offset);
  const hsize_t n = static_cast<hsize_t>(count);
  check_status(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, nullptr, &n, nullptr), file, name,
               "cannot select");
  Hid mspace(H5Screate_simple(1, &n, nullptr));
  check_status(H5Dread(ds, mem_type, mspace, fspace, H5P_DEFAULT, out), file, name,
               "cannot read dataset (corrupt file?)");
}

}  // namespace

void write_column(hid_t parent, const std::string& name, std::span<const std::int64_t> data,
                  const Layout& layout, const std::filesystem::path& file) {
  write_numeric(parent, name, data.data(), data.size(), H5T_STD_I64LE, H5T_NATIVE_INT64, layout, file);
}

void write_column(hid_t parent, const std::string& name, std::span<const double> data,
                  const Layout& layout, const std::filesystem::path& file) {
  write_numeric(parent, name, data.data(), data.size(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, layout, file);
}

namespace {
Hid utf8_string_type() {
  Hid type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}
}  // namespace

void write_column(hid_t parent, const std::string& name, const std::vector<std::string>& data,
                  const std::filesystem::path& file) {
  std::vector<const char*> ptrs;
  ptrs.reserve(data.size());
  for (const auto& s : data) ptrs.push_back(s.c_str());
  Hid type = utf8_string_type();
  const hsize_t dims = data.size();
  Hid space(H5Screate_simple(1, &dims, nullptr));
  Hid dcpl = dataset_plist(Layout{}, dims);
  Hid ds(check(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), file, name,
               "cannot create dataset"));
  if (!data.empty())
    check_status(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), file, name,
                 "cannot write dataset");
  if (!ds.close()) fail(file, name, "cannot close dataset");
}

std::int64_t column_size(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  Hid ds = open_dataset(parent, name, file);
  Hid space(check(H5Dget_space(ds), file, name, "cannot get dataspace"));
  if (H5Sget_simple_extent_ndims(space) != 1) fail(file, name, "expected a 1-d dataset");
  hsize_t dims = 0;
  H5Sget_simple_extent_dims(space, &dims, nullptr);
  return static_cast<std::int64_t>(dims);
}

void read_column(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count,
                 std::vector<std::int64_t>& out, const std::filesystem::path& file) {
  out.resize(static_cast<std::size_t>(count));
  read_into(parent, name, offset, count, out.data(), H5T_NATIVE_INT64, file);
}

void read_column(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count,
                 std::vector<double>& out, const std::filesystem::path& file) {
  out.resize(static_cast<std::size_t>(count));
  read_into(parent, name, offset, count, out.data(), H5T_NATIVE_DOUBLE, file);
}

void read_column_append(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count,
                        std::vector<std::int64_t>& out, const std::filesystem::path& file) {
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(count));
  read_into(parent, name, offset, count, out.data() + at, H5T_NATIVE_INT64, file);
}

void read_column_append(hid_t parent, const std::string& name, std::int64_t offset, std::int64_t count,
                        std::vector<double>& out, const std::filesystem::path& file) {
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(count));
  read_into(parent, name, offset, count, out.data() + at, H5T_NATIVE_DOUBLE, file);
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  Hid ds = open_dataset(parent, name, file);
  Hid space(check(H5Dget_space(ds), file, name, "cannot get dataspace"));
  hsize_t dims = 0;
  if (H5Sget_simple_extent_ndims(space) != 1) fail(file, name, "expected a 1-d dataset");
  H5Sget_simple_extent_dims(space, &dims, nullptr);
  Hid ftype(check(H5Dget_type(ds), file, name, "cannot get type"));
  if (H5Tget_class(ftype) != H5T_STRING || H5Tis_variable_str(ftype) <= 0)
    fail(file, name, "expected variable-length strings");
  Hid type = utf8_string_type();
  std::vector<char*> ptrs(dims, nullptr);
  // A conversion buffer sized to the strings: HDF5's default (1 MB, zeroed on every read) was
  // most of the time of opening a catalogue, and so of a short `telemine get`.
  Hid xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_buffer(xfer, std::max<std::size_t>(dims * 2 * sizeof(hvl_t), 4096), nullptr, nullptr);
  if (dims > 0)
    check_status(H5Dread(ds, type, H5S_ALL, H5S_ALL, xfer, ptrs.data()), file, name,
                 "cannot read dataset (corrupt file?)");
  std::vector<std::string> out;
  out.reserve(dims);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (dims > 0) H5Dvlen_reclaim(type, space, H5P_DEFAULT, ptrs.data());
  return out;
}

void write_attribute(hid_t obj, const std::string& name, std::string_view value,
                     const std::filesystem::path& file) {
  Hid type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, std::max<std::size_t>(value.size(), 1));
  H5Tset_cset(type, H5T_CSET_UTF8);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  Hid space(H5Screate(H5S_SCALAR));
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Hid attr(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), file, name,
                 "cannot create attribute"));
  std::string buf(value);
  buf.resize(std::max<std::size_t>(value.size(), 1), '\0');
  check_status(H5Awrite(attr, type, buf.data()), file, name, "cannot write attribute");
}

void write_attribute(hid_t obj, const std::string& name, std::int64_t value, const std::filesystem::path& file) {
  Hid space(H5Screate(H5S_SCALAR));
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Hid attr(check(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), file, name,
                 "cannot create attribute"));
  check_status(H5Awrite(attr, H5T_NATIVE_INT64, &value), file, name, "cannot write attribute");
}

bool has_attribute(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

namespace {
std::string read_string_attr(hid_t attr, const std::string& name, const std::filesystem::path& file) {
  Hid ftype(check(H5Aget_type(attr), file, name, "cannot get attribute type"));
  if (H5Tget_class(ftype) != H5T_STRING) fail(file, name, "attribute is not a string");
  if (H5Tis_variable_str(ftype) > 0) {
    Hid type = utf8_string_type();
    char* p = nullptr;
    check_status(H5Aread(attr, type, &p), file, name, "cannot read attribute");
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  const std::size_t size = H5Tget_size(ftype);
  std::string buf(size, '\0');
  check_status(H5Aread(attr, ftype, buf.data()), file, name, "cannot read attribute");
  buf.resize(std::min(buf.find('\0'), buf.size()));
  return buf;
}
}  // namespace

std::string read_string_attribute(hid_t obj, const std::string& name, const std::filesystem::path& file) {
  Hid attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, name, "missing attribute"));
  return read_string_attr(attr, name, file);
}

std::int64_t read_int_attribute(hid_t obj, const std::string& name, const std::filesystem::path& file) {
  Hid attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, name, "missing attribute"));
  std::int64_t v = 0;
  check_status(H5Aread(attr, H5T_NATIVE_INT64, &v), file, name, "cannot read attribute as an integer");
  return v;
}

std::vector<std::pair<std::string, std::string>> string_attributes(hid_t obj,
                                                                   const std::filesystem::path& file) {
  std::vector<std::string> names;
  H5Aiterate2(
      obj, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& n : names) {
    Hid attr(check(H5Aopen(obj, n.c_str(), H5P_DEFAULT), file, n, "cannot open attribute"));
    Hid type(H5Aget_type(attr));
    if (H5Tget_class(type) == H5T_STRING) out.emplace_back(n, read_string_attr(attr, n, file));
  }
  return out;
}

std::vector<std::string> list_group(hid_t group, const std::filesystem::path& file) {
  std::vector<std::string> names;
  check_status(H5Literate(
                   group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
                   [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                     static_cast<std::vector<std::string>*>(out)->emplace_back(name);
                     return 0;
                   },
                   &names),
               file, "", "cannot list group");
  return names;
}

}  // namespace telemine::io::h5

namespace telemine::io::h5 {

void write_matrix(hid_t parent, const std::string& name, std::span<const double> data, std::size_t rows,
                  std::size_t cols, const std::filesystem::path& file) {
  write_2d(parent, name, data.data(), rows, cols, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, file);
}
void write_matrix(hid_t parent, const std::string& name, std::span<const std::int64_t> data, std::size_t rows,
                  std::size_t cols, const std::filesystem::path& file) {
  write_2d(parent, name, data.data(), rows, cols, H5T_STD_I64LE, H5T_NATIVE_INT64, file);
}

}  // namespace telemine::io::h5
