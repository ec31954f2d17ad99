// The .npy reader on arbitrary bytes.
#include <algorithm>

#include "fuzz_util.hpp"
#include "io/npy.hpp"

using namespace telemine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile file("npy");
  const auto& path = file.write(data, size);
  fuzz::expect_value_or_error([&] {
    const io::NpyArray a = io::read_npy(path);
    // A shape with a zero dimension is an empty array, however large the others (they may
    // overflow on their own: only the product counts).
    const bool empty = std::find(a.shape.begin(), a.shape.end(), 0) != a.shape.end();
    std::size_t n = empty ? 0 : 1;
    for (auto d : a.shape)
      if (d < 0 || (!empty && __builtin_mul_overflow(n, static_cast<std::size_t>(d), &n))) std::abort();
    if (n != a.data.size()) std::abort();
  });
  return 0;
}
