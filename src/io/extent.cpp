#include "io/extent.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "io/h5.hpp"

namespace telemine::io {

namespace {

// The offset of a contiguous, unfiltered 1-d dataset of `type` (on disk), or nullopt.
std::optional<std::uint64_t> contiguous_offset(hid_t group, const char* name, hid_t type, std::int64_t& count) {
  h5::Hid d(H5Dopen2(group, name, H5P_DEFAULT));
  if (d.get() < 0) return std::nullopt;
  h5::Hid plist(H5Dget_create_plist(d.get())), stored(H5Dget_type(d.get())), space(H5Dget_space(d.get()));
  if (H5Pget_layout(plist.get()) != H5D_CONTIGUOUS || H5Pget_nfilters(plist.get()) != 0) return std::nullopt;
  if (H5Tequal(stored.get(), type) <= 0 || H5Sget_simple_extent_ndims(space.get()) != 1) return std::nullopt;
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  count = static_cast<std::int64_t>(n);
  if (n == 0) return 0;
  const haddr_t at = H5Dget_offset(d.get());
  if (at == HADDR_UNDEF) return std::nullopt;
  return static_cast<std::uint64_t>(at);
}

void pread_all(int fd, void* into, std::size_t bytes, std::uint64_t at, const std::filesystem::path& file) {
  auto* p = static_cast<char*>(into);
  while (bytes > 0) {
    const ssize_t got = ::pread(fd, p, bytes, static_cast<off_t>(at));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      throw IoError(file.string() + ": cannot read " + std::to_string(bytes) + " bytes at " + std::to_string(at) + ": " +
                    (got < 0 ? std::strerror(errno) : "the file ends before its samples do"));
    p += got, bytes -= static_cast<std::size_t>(got), at += static_cast<std::uint64_t>(got);
  }
}

}  // namespace

std::optional<SampleExtent> sample_extent(const std::filesystem::path& file, std::string_view param) {
  if constexpr (std::endian::native != std::endian::little) return std::nullopt;
  h5::Hid f = h5::open_file(file);
  h5::Hid params = h5::open_group(f, "params", file);
  const std::string name(param);
  if (!h5::exists(params, name)) return std::nullopt;
  h5::Hid g = h5::open_group(params, name, file);
  SampleExtent e;
  std::int64_t values = -1;
  const auto t = contiguous_offset(g, "time", H5T_STD_I64LE, e.count);
  const auto v = contiguous_offset(g, "value", H5T_IEEE_F64LE, values);
  if (!t || !v || values != e.count) return std::nullopt;
  e.time_offset = *t;
  e.value_offset = *v;
  return e;
}

void read_extent(const std::filesystem::path& file, const SampleExtent& e, TimeNs from, TimeNs to, Series& out) {
  if (e.count == 0) return;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(file.string() + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const std::size_t at = out.time.size(), n = static_cast<std::size_t>(e.count);
  out.time.resize(at + n);
  pread_all(fd, out.time.data() + at, n * sizeof(TimeNs), e.time_offset, file);
  const auto begin = out.time.begin() + static_cast<std::ptrdiff_t>(at);
  const auto lo = std::lower_bound(begin, out.time.end(), from) - begin;
  const auto hi = std::lower_bound(begin, out.time.end(), to) - begin;
  if (lo > 0) std::copy(begin + lo, begin + hi, begin);
  out.time.resize(at + static_cast<std::size_t>(hi - lo));
  const std::size_t v = out.value.size();
  out.value.resize(v + static_cast<std::size_t>(hi - lo));
  pread_all(fd, out.value.data() + v, static_cast<std::size_t>(hi - lo) * sizeof(double),
            e.value_offset + static_cast<std::uint64_t>(lo) * sizeof(double), file);
}

}  // namespace telemine::io
