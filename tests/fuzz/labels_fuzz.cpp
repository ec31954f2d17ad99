// The telemanom labels reader (labeled_anomalies.csv) on arbitrary bytes.
#include "fuzz_util.hpp"
#include "io/telemanom.hpp"

using namespace telemine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile file("labels");
  const auto& path = file.write(data, size);
  fuzz::expect_value_or_error([&] {
    for (const auto& l : io::read_telemanom_labels(path))
      if (l.first_row < 0 || l.last_row < l.first_row || l.last_row >= l.num_values) std::abort();
  });
  return 0;
}
