#pragma once
/// \file Reading a partition's samples without HDF5. The archive stores each parameter's times
/// and values as contiguous, uncompressed little-endian 8-byte columns (bench/README.md, layout
/// table), so once HDF5 has said where they lie, plain pread() reads them. The library HDF5 is
/// built as here is not thread-safe; these reads are, so a server can read partitions on
/// several threads at once and ask HDF5 only for the places, once.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "core/time.hpp"
#include "io/archive.hpp"

namespace telemine::io {

/// Where one parameter's samples lie in a partition file.
struct SampleExtent {
  std::int64_t count = 0;
  std::uint64_t time_offset = 0;   ///< byte offset of time[0] (int64 ns)
  std::uint64_t value_offset = 0;  ///< byte offset of value[0] (double)
};

/// The extent of `param` in the partition `file` (through HDF5: not thread-safe). nullopt when the
/// file does not hold the parameter, or holds it in another layout (chunked, compressed, another
/// type or byte order): the caller then reads it through PartitionReader.
std::optional<SampleExtent> sample_extent(const std::filesystem::path& file, std::string_view param);

/// The samples of `e` with time in [from, to), appended to `out`, read with pread (thread-safe).
/// Throws IoError naming the file when it cannot be read whole (a file shorter than its extent).
void read_extent(const std::filesystem::path& file, const SampleExtent& e, TimeNs from, TimeNs to, Series& out);

}  // namespace telemine::io
