// The .npy reader on arbitrary bytes.
#include "fuzz_util.hpp"
#include "io/npy.hpp"

using namespace telemine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile file("npy");
  const auto& path = file.write(data, size);
  fuzz::expect_value_or_error([&] {
    const io::NpyArray a = io::read_npy(path);
    std::size_t n = 1;
    for (auto d : a.shape)
      if (d < 0 || __builtin_mul_overflow(n, static_cast<std::size_t>(d), &n)) std::abort();
    if (n != a.data.size()) std::abort();
  });
  return 0;
}
