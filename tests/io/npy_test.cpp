#include "io/npy.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "core/error.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;
using telemine::test::TempDir;

namespace {

// A .npy file by hand: magic, version, header length (2 or 4 bytes), header, data.
std::string npy(int major, const std::string& header, const std::string& data) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  std::string h = header;
  h += '\n';
  if (major == 1) {
    out += static_cast<char>(h.size() & 0xff);
    out += static_cast<char>(h.size() >> 8);
  } else {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((h.size() >> (8 * i)) & 0xff);
  }
  return out + h + data;
}

template <class T>
std::string bytes(std::initializer_list<T> values) {
  std::string s;
  for (T v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);
  return s;
}

std::string error_of(const std::filesystem::path& f) {
  try {
    read_npy(f);
  } catch (const IoError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Npy, ReadsEveryVersionAndDtype) {
  TempDir dir;
  const auto f = dir / "a.npy";
  test::write_text(f, npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", bytes<double>({1, 2, 3, 4, 5, 6.5})));
  NpyArray a = read_npy(f);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a.rows(), 2);
  EXPECT_EQ(a.cols(), 3);
  EXPECT_EQ(a.at(1, 2), 6.5);
  test::write_text(f, npy(2, "{'shape': (3,), 'fortran_order': False, 'descr': '<f4'}", bytes<float>({1.5f, -2, 3})));
  a = read_npy(f);
  EXPECT_EQ(a.data, (std::vector<double>{1.5, -2, 3}));
  test::write_text(f, npy(3, "{'descr': '<i8', 'fortran_order': False, 'shape': ()}", bytes<std::int64_t>({-7})));
  EXPECT_EQ(read_npy(f).data, std::vector<double>{-7});
  test::write_text(f, npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,)}", bytes<std::uint8_t>({255, 1})));
  EXPECT_EQ(read_npy(f).data, (std::vector<double>{255, 1}));
  test::write_text(f, npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,)}", bytes<std::int16_t>({-300, 300})));
  EXPECT_EQ(read_npy(f).data, (std::vector<double>{-300, 300}));
  test::write_text(f, npy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}", bytes<std::uint8_t>({1, 0})));
  EXPECT_EQ(read_npy(f).data, (std::vector<double>{1, 0}));
  test::write_text(f, npy(1, "{'descr': '<u4', 'fortran_order': False, 'shape': (0, 5)}", ""));
  EXPECT_TRUE(read_npy(f).data.empty());
}

TEST(Npy, WriteThenReadIsExact) {
  TempDir dir;
  std::vector<double> v = {0.1, -0.0, 1e-310, 1.0 / 3, 12345.678};
  write_npy(dir / "w.npy", {5, 1}, v);
  const auto a = read_npy(dir / "w.npy");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{5, 1}));
  EXPECT_EQ(std::memcmp(a.data.data(), v.data(), v.size() * sizeof(double)), 0);
}

TEST(Npy, RefusesWhatItCannotReadAndNamesTheFile) {
  TempDir dir;
  const auto f = dir / "bad.npy";
  const std::string name = f.string();
  auto with = [&](const std::string& content) {
    test::write_text(f, content);
    return error_of(f);
  };
  const std::string d2 = bytes<double>({1, 2});
  EXPECT_EQ(with("PK\x03\x04 not numpy"), name + ": not a .npy file (bad magic string)");
  EXPECT_EQ(with(npy(4, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", d2)),
            name + ": .npy format version 4 is not supported (1, 2 and 3 are)");
  EXPECT_EQ(with(npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2,)}", d2)),
            name + ": Fortran-order arrays are not supported (save with C order)");
  EXPECT_EQ(with(npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,)}", d2)),
            name + ": big-endian dtype >f8 is not supported");
  EXPECT_EQ(with(npy(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,)}", d2)),
            name + ": unsupported dtype '<c16' (float64/32, integers and bool are)");
  EXPECT_EQ(with(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", d2)),
            name + ": truncated: header says 24 bytes of data, file has 16");
  EXPECT_EQ(with(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", d2)),
            name + ": corrupt: 8 bytes after the data the header describes");
  EXPECT_NE(with(npy(1, "{'descr': '<f8', 'fortran_order': False}", d2)).find(name + ": malformed .npy header"), std::string::npos);
  EXPECT_EQ(with(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (x,)}", d2)), name + ": malformed .npy shape (x,)");
  EXPECT_EQ(with(std::string("\x93NUMPY\x01\x00\xff\x00{", 11)), name + ": truncated .npy header");
  EXPECT_EQ(error_of(dir / "missing.npy"), (dir / "missing.npy").string() + ": cannot open");
}

// Found by fuzzing: a shape whose element count overflows 64 bits wrapped to an empty array.
TEST(Npy, ShapesWhoseProductOverflowsAreRefused) {
  telemine::test::TempDir dir;
  const std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() + 1);
  bytes += '\0';
  bytes += header + "\n";
  telemine::test::write_text(dir / "big.npy", bytes);
  EXPECT_THROW(read_npy(dir / "big.npy"), IoError);
}
