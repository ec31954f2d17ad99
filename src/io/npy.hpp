#pragma once
/// \file A reader of NumPy .npy files (format versions 1.0, 2.0, 3.0): little-endian (or
/// single-byte) float64, float32, signed and unsigned integers and bool, C order, any rank.
/// Anything else is refused with a message naming the file and what was found.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace telemine::io {

struct NpyArray {
  std::vector<std::int64_t> shape;  ///< empty for a 0-d array
  std::string descr;                ///< the dtype as written, e.g. `<f8`
  std::vector<double> data;         ///< every element converted to double, C order

  std::int64_t rows() const noexcept { return shape.empty() ? 1 : shape[0]; }
  /// Product of the dimensions after the first (1 for 1-d arrays).
  std::int64_t cols() const noexcept;
  double at(std::int64_t row, std::int64_t col) const noexcept { return data[row * cols() + col]; }
};

/// Throws IoError naming the file for a bad magic string, unsupported version or dtype, Fortran
/// order, a malformed header, or a file shorter or longer than the header says.
NpyArray read_npy(const std::filesystem::path& file);

/// The bytes of a C-order little-endian float64 .npy version 1.0 file (for outputs that are
/// checksummed before they are written).
std::string npy_bytes(const std::vector<std::int64_t>& shape, const std::vector<double>& data);

/// Writes a C-order little-endian float64 array as .npy version 1.0 (tests and tools).
void write_npy(const std::filesystem::path& file, const std::vector<std::int64_t>& shape,
               const std::vector<double>& data);

}  // namespace telemine::io
