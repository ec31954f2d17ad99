#include "io/h5.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "io/archive.hpp"
#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;

namespace {

// A real catalogue with strings in every column (params, partitions, events, attributes).
Catalog sample_catalog() {
  Catalog c;
  c.mission = "M";
  c.slice = kDay;
  for (int i = 0; i < 20; ++i)
    c.params.push_back({"P" + std::to_string(i), "V", "bus voltage " + std::to_string(i), "POWER", ParamKind::numeric});
  for (int d = 0; d < 5; ++d) {
    const TimeNs start = 1767225600LL * kSecond + d * kDay;
    c.partitions.push_back({partition_file_name("M", start, kDay), start, start + kDay, start, start + 5, 6, 4096,
                            "xxh3-64:0123456789abcdef"});
  }
  c.events = {{10, 20, "anomaly", "P1", "point", "spike"}, {30, 40, "gap", "", "", ""}};
  c.attributes["time_note"] = "int64 ns";
  return c;
}

struct Region {
  haddr_t offset;
  std::size_t size;
};

// Where the string references of every variable-length dataset lie in the file.
std::vector<Region> reference_regions(const std::filesystem::path& file) {
  std::vector<Region> out;
  h5::Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  for (const char* group : {"parameters", "partitions", "events"}) {
    h5::Hid g(H5Gopen2(f, group, H5P_DEFAULT));
    for (const auto& name : h5::list_group(g, file)) {
      h5::Hid ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT));
      h5::Hid type(H5Dget_type(ds));
      if (H5Tis_variable_str(type) > 0) out.push_back({H5Dget_offset(ds), static_cast<std::size_t>(H5Dget_storage_size(ds))});
    }
  }
  return out;
}

// Reads the catalogue: it must either come back or fail with an IoError naming the file.
void read_or_refuse(const std::filesystem::path& file, const std::string& what) {
  try {
    read_catalog(file);
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << what << ": " << e.what();
  }
}

}  // namespace

// One flipped byte in a heap reference used to crash every command (SIGSEGV in H5HG_read, from
// H5Dread of a variable-length string). Every byte of every reference, and of every heap
// object header, flipped in a real catalogue: each read comes back or is an IoError.
TEST(H5Strings, FlippedBytesInReferencesAndHeapsAreErrorsNotCrashes) {
  test::TempDir dir;
  const auto good = dir / "catalog.h5";
  write_catalog(good, sample_catalog());
  const std::string bytes = test::read_text(good);
  std::vector<Region> regions = reference_regions(good);
  ASSERT_GE(regions.size(), 11u);
  for (std::size_t at = bytes.find("GCOL"); at != std::string::npos; at = bytes.find("GCOL", at + 1)) {
    regions.push_back({at, 16});
    // Each object's 16-byte header: index, reference count, reserved, size; then its data.
    std::size_t obj = at + 16;
    while (obj + 16 <= bytes.size() && (bytes[obj] != 0 || bytes[obj + 1] != 0)) {
      std::uint64_t size = 0;
      std::memcpy(&size, bytes.data() + obj + 8, 8);
      regions.push_back({obj, 16});
      obj += 16 + (size + 7) / 8 * 8;
    }
  }
  const auto bad = dir / "flipped.h5";
  int flips = 0;
  for (const auto& r : regions)
    for (std::size_t i = r.offset; i < r.offset + r.size && i < bytes.size(); ++i)
      for (unsigned char mask : {0x01, 0xff}) {
        std::string copy = bytes;
        copy[i] = static_cast<char>(copy[i] ^ mask);
        test::write_text(bad, copy);
        read_or_refuse(bad, "byte " + std::to_string(i) + " ^ " + std::to_string(mask));
        ++flips;
      }
  EXPECT_GT(flips, 500);
}

TEST(H5Strings, ReadsWhatHdf5Wrote) {
  test::TempDir dir;
  const Catalog c = sample_catalog();
  write_catalog(dir / "catalog.h5", c);
  const Catalog r = read_catalog(dir / "catalog.h5");
  EXPECT_EQ(r.params, c.params);
  EXPECT_EQ(r.partitions, c.partitions);
  EXPECT_EQ(r.events, c.events);
  // Long strings span heap objects larger than one collection's minimum size.
  Catalog big = c;
  big.events[0].text = std::string(100000, 'y') + "\t,\"end";
  write_catalog(dir / "big.h5", big);
  EXPECT_EQ(read_catalog(dir / "big.h5").events, big.events);
}

// save_file writes the in-memory file's own buffer; it must be byte for byte the image that
// HDF5's H5Fget_file_image gives (what it wrote before), for a file that grew past many
// increments of the core driver.
TEST(H5Files, SavedBytesAreTheFileImage) {
  test::TempDir dir;
  const auto file = dir / "p.h5";
  h5::Hid f = h5::create_file(file);
  std::vector<std::int64_t> t(300000);
  std::vector<double> v(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = static_cast<std::int64_t>(i) * 1000;
    v[i] = static_cast<double>(i % 97) * 0.5;
  }
  h5::write_column(f, "time", std::span<const std::int64_t>(t), h5::Layout{65536, 0, false}, file);
  h5::write_column(f, "value", std::span<const double>(v), h5::Layout{}, file);
  ASSERT_GE(H5Fflush(f, H5F_SCOPE_GLOBAL), 0);
  const ssize_t size = H5Fget_file_image(f, nullptr, 0);
  ASSERT_GT(size, 4 << 20);
  std::string image(static_cast<std::size_t>(size), '\0');
  ASSERT_EQ(H5Fget_file_image(f, image.data(), image.size()), size);
  h5::save_file(f, file);
  const std::string saved = read_whole_file(file);
  ASSERT_EQ(saved.size(), image.size());
  std::size_t first = 0, count = 0;
  for (std::size_t i = 0; i < image.size(); ++i) if (saved[i] != image[i]) { if (!count++) first = i; }
  EXPECT_EQ(count, 0u) << "first at " << first;
  std::vector<double> back;
  h5::Hid g = h5::open_file(file, false);
  h5::read_column(g, "value", 0, static_cast<std::int64_t>(v.size()), back, file);
  EXPECT_EQ(back, v);
}
