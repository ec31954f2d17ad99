// The CSV reader and both CSV ingest formats on arbitrary bytes.
#include "fuzz_util.hpp"
#include "io/csv.hpp"
#include "io/csv_reader.hpp"
#include "io/csv_writer.hpp"

using namespace telemine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile file("csv");
  const auto& path = file.write(data, size);
  fuzz::expect_value_or_error([&] { io::read_csv_long(path); });
  fuzz::expect_value_or_error([&] { io::read_csv_wide(path); });
  // Whatever the reader accepts, the writer writes back so that the reader reads the same.
  fuzz::expect_value_or_error([&] {
    io::CsvReader in(std::string(reinterpret_cast<const char*>(data), size), "in.csv");
    std::string out;
    io::CsvWriter w(out);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string_view> f;
    while (in.next(f)) {
      // A record of one blank field is written as a blank line, which readers skip.
      if (f.size() == 1 && f[0].find_first_not_of(" \t\r") == std::string_view::npos) continue;
      rows.emplace_back(f.begin(), f.end());
      for (auto x : f) w.field(x);
      w.end_row();
    }
    io::CsvReader back(out, "out.csv");
    for (const auto& row : rows)
      if (!back.next(f) || std::vector<std::string>(f.begin(), f.end()) != row) std::abort();
    if (back.next(f)) std::abort();
  });
  return 0;
}
