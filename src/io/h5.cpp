#include "io/h5.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <span>

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
  // In memory (the core driver, no backing store): save_file writes the image. HDF5 then never
  // meets a full disk itself; when it did, the file stayed half-closed in its tables and the
  // process crashed closing it again at exit (in MPI_Finalize under mpirun).
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS));
  check_status(H5Pset_fapl_core(fapl, std::size_t{1} << 20, false), file, "", "cannot set up an in-memory file");
  return Hid(check(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), file, "", "cannot create HDF5 file"));
}

namespace {
// The in-memory file's own buffer (the core driver hands it out as its "file handle"): writing it
// directly saves H5Fget_file_image's copy, 3.8 s of a day partition's 10 s compaction (1.4 GB).
// Its first `size` bytes are exactly what H5Fget_file_image returns (tests/io/h5_test.cpp).
std::span<const char> core_image(hid_t f, const std::filesystem::path& file) {
  Hid fapl(check(H5Fget_access_plist(f), file, "", "cannot get the file's access properties"));
  if (H5Pget_driver(fapl) != H5FD_CORE) throw InternalError(file.string() + ": save_file: not an in-memory file");
  const ssize_t size = H5Fget_file_image(f, nullptr, 0);  // the end of allocated space: no copy
  if (size < 0) fail(file, "", "cannot get the file image size");
  void* handle = nullptr;
  check_status(H5Fget_vfd_handle(f, H5P_DEFAULT, &handle), file, "", "cannot get the file image");
  const char* mem = handle ? *static_cast<const char* const*>(handle) : nullptr;
  hsize_t held = 0;  // the buffer's size: at least the image's after a flush
  check_status(H5Fget_filesize(f, &held), file, "", "cannot get the file image size");
  if ((mem == nullptr && size > 0) || held < static_cast<hsize_t>(size)) fail(file, "", "cannot get the file image");
  return {mem, static_cast<std::size_t>(size)};
}

void write_all(int fd, std::span<const char> bytes, const std::filesystem::path& file) {
  // In pieces of 8 MB: one write of a 1.4 GB image took 2.6-3.5 s here, pieces 0.95 s.
  constexpr std::size_t kPiece = 8u << 20;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, std::min(kPiece, bytes.size() - done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      throw IoError(file.string() + ": cannot write (disk full?): " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
}
}  // namespace

void save_file(Hid& f, const std::filesystem::path& file) {
  check_status(H5Fflush(f, H5F_SCOPE_GLOBAL), file, "", "cannot flush");
  const std::span<const char> image = core_image(f, file);
  // H5Fget_file_image clears the superblock's file consistency flags (set while the file is open
  // for writing); so does this, in a copy of the superblock's start (format spec, "Superblock").
  std::array<char, 24> head{};
  const std::size_t head_size = std::min(head.size(), image.size());
  std::copy_n(image.begin(), head_size, head.begin());
  const int version = head_size == head.size() ? static_cast<unsigned char>(head[8]) : -1;
  if (version == 0 || version == 1) std::fill_n(head.begin() + 20, 4, '\0');
  else if (version == 2 || version == 3) head[11] = '\0';
  else fail(file, "", "unexpected superblock version " + std::to_string(version));
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(file.string() + ": cannot create: " + std::strerror(errno));
  write_all(fd, {head.data(), head_size}, file);
  write_all(fd, image.subspan(head_size), file);  // before closing `f`: closing frees the buffer
  if (::close(fd) != 0) throw IoError(file.string() + ": cannot write (disk full?): " + std::strerror(errno));
  if (!f.close()) fail(file, "", "cannot close");
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

namespace {

// Variable-length strings live in the file's global heap; each element of a dataset is a
// reference to it (length, heap collection address, object index), and HDF5 1.10 follows a
// reference without checking it: one flipped byte made H5Dread crash (SIGSEGV in H5HG_read).
// So the references are resolved here against the file's bytes, every offset checked, and a
// bad one is an IoError naming the file. The format: HDF5 File Format Specification 3.0,
// "Global Heap" (III.E) and "Variable-length" datatypes (IV.A.2.d).
class HeapReader {
 public:
  HeapReader(hid_t file_id, const std::filesystem::path& file, std::string_view object)
      : file_(file), object_(object) {
    Hid fcpl(check(H5Fget_create_plist(file_id), file, object, "cannot get the file's creation properties"));
    check_status(H5Pget_sizes(fcpl, &sizeof_addr_, &sizeof_size_), file, object, "cannot get the file's sizes");
    check_status(H5Pget_userblock(fcpl, &base_), file, object, "cannot get the file's user block");
    if (sizeof_addr_ > 8 || sizeof_size_ > 8) bad("unsupported address or length size");
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) bad("cannot open to read strings");
    file_size_ = static_cast<std::uint64_t>(st.st_size);
  }
  ~HeapReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  HeapReader(const HeapReader&) = delete;
  HeapReader& operator=(const HeapReader&) = delete;

  std::size_t reference_size() const noexcept { return 4 + sizeof_addr_ + 4; }

  // `n` raw references at file address `addr` (a contiguous dataset's data).
  std::string read_references(std::uint64_t addr, std::size_t n) {
    return read(addr, n * reference_size());
  }

  // The string a reference points at.
  std::string resolve(const char* ref) {
    const std::uint64_t length = le(ref, 4);
    if (length == 0) return {};  // an empty string has no heap object
    const std::uint64_t addr = le(ref + 4, sizeof_addr_);
    const std::uint64_t index = le(ref + 4 + sizeof_addr_, 4);
    const Collection& c = collection(addr);
    const auto it = c.objects.find(index);
    if (it == c.objects.end() || it->second.second < length)
      bad("a string refers to a missing heap object (corrupt file)");
    return c.bytes.substr(it->second.first, length);
  }

 private:
  struct Collection {
    std::string bytes;
    std::map<std::uint64_t, std::pair<std::size_t, std::size_t>> objects;  // index -> (offset, size)
  };

  [[noreturn]] void bad(std::string_view what) const {
    throw IoError(file_.string() + ": " + std::string(object_) + ": " + std::string(what));
  }

  static std::uint64_t le(const char* p, std::size_t n) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
  }

  std::string read(std::uint64_t addr, std::uint64_t n) {
    if (addr > file_size_ || n > file_size_ - addr || base_ > file_size_ - addr - n)
      bad("string data beyond the end of the file (corrupt file)");
    std::string out(static_cast<std::size_t>(n), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
      const ssize_t r = ::pread(fd_, out.data() + got, out.size() - got, static_cast<off_t>(base_ + addr + got));
      if (r <= 0) bad("cannot read string data");
      got += static_cast<std::size_t>(r);
    }
    return out;
  }

  const Collection& collection(std::uint64_t addr) {
    if (auto it = heaps_.find(addr); it != heaps_.end()) return it->second;
    const std::size_t header = 8 + sizeof_size_;
    const std::string head = read(addr, header);
    if (head.compare(0, 4, "GCOL") != 0 || head[4] != 1) bad("a string refers to no heap collection (corrupt file)");
    const std::uint64_t size = le(head.data() + 8, sizeof_size_);
    if (size < header) bad("heap collection of impossible size (corrupt file)");
    Collection c;
    c.bytes = read(addr, size);
    // Objects follow the header, each 8-byte aligned; index 0 is the free space that ends them.
    std::size_t at = header;
    while (at + header <= c.bytes.size()) {
      const std::uint64_t index = le(c.bytes.data() + at, 2);
      const std::uint64_t object_size = le(c.bytes.data() + at + 8, sizeof_size_);
      if (index == 0) break;
      const std::size_t data = at + header;
      if (object_size > c.bytes.size() - data) bad("heap object beyond its collection (corrupt file)");
      c.objects[index] = {data, static_cast<std::size_t>(object_size)};
      at = data + static_cast<std::size_t>((object_size + 7) / 8 * 8);
    }
    return heaps_.emplace(addr, std::move(c)).first->second;
  }

  std::filesystem::path file_;
  std::string_view object_;
  std::size_t sizeof_addr_ = 8;
  std::size_t sizeof_size_ = 8;
  hsize_t base_ = 0;
  int fd_ = -1;
  std::uint64_t file_size_ = 0;
  std::map<std::uint64_t, Collection> heaps_;
};

}  // namespace

std::vector<std::string> read_strings(hid_t parent, const std::string& name, const std::filesystem::path& file) {
  Hid ds = open_dataset(parent, name, file);
  Hid space(check(H5Dget_space(ds), file, name, "cannot get dataspace"));
  hsize_t dims = 0;
  if (H5Sget_simple_extent_ndims(space) != 1) fail(file, name, "expected a 1-d dataset");
  H5Sget_simple_extent_dims(space, &dims, nullptr);
  Hid ftype(check(H5Dget_type(ds), file, name, "cannot get type"));
  if (H5Tget_class(ftype) != H5T_STRING || H5Tis_variable_str(ftype) <= 0)
    fail(file, name, "expected variable-length strings");
  std::vector<std::string> out;
  if (dims == 0) return out;
  Hid dcpl(check(H5Dget_create_plist(ds), file, name, "cannot get dataset properties"));
  const haddr_t addr = H5Dget_offset(ds);
  if (H5Pget_layout(dcpl) != H5D_CONTIGUOUS || addr == HADDR_UNDEF)
    fail(file, name, "expected a contiguous dataset of strings (as telemine writes)");
  Hid file_id(check(H5Iget_file_id(ds), file, name, "cannot get the file"));
  HeapReader heap(file_id, file, name);
  if (dims > (std::uint64_t{1} << 40) / heap.reference_size()) fail(file, name, "impossible number of strings");
  const std::string refs = heap.read_references(addr, static_cast<std::size_t>(dims));
  out.reserve(dims);
  for (std::size_t i = 0; i < dims; ++i) out.push_back(heap.resolve(refs.data() + i * heap.reference_size()));
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
