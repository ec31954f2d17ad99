#include "io/table.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "test_util.hpp"

using namespace telemine::io;

namespace {
// A dataset's shape and values, read back with plain HDF5.
template <class T>
std::pair<std::vector<hsize_t>, std::vector<T>> read_dataset(hid_t file, const char* name, hid_t type) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Sclose(space);
  H5Dclose(d);
  return {dims, values};
}
}  // namespace

TEST(SquareMatrixFile, LabelsThenMatricesOneAtATime) {
  telemine::test::TempDir dir;
  {
    SquareMatrixFile f(dir / "m.h5", {"A", "B"});
    f.add("mi", std::vector<double>{0, 0.5, 0.5, 0});
    f.add("lag_seconds", std::vector<std::int64_t>{0, 60, -60, 0});
    f.close();
  }
  const hid_t file = H5Fopen((dir / "m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const auto [mi_dims, mi] = read_dataset<double>(file, "mi", H5T_NATIVE_DOUBLE);
  EXPECT_EQ(mi_dims, (std::vector<hsize_t>{2, 2}));
  EXPECT_EQ(mi, (std::vector<double>{0, 0.5, 0.5, 0}));
  const auto [lag_dims, lag] = read_dataset<std::int64_t>(file, "lag_seconds", H5T_NATIVE_INT64);
  EXPECT_EQ(lag_dims, (std::vector<hsize_t>{2, 2}));
  EXPECT_EQ(lag, (std::vector<std::int64_t>{0, 60, -60, 0}));
  EXPECT_GT(H5Lexists(file, "labels", H5P_DEFAULT), 0);
  H5Fclose(file);
}

// write_table reserves table_size_bound() bytes before it writes: the bound must hold for
// tables of every size, or a disk with just too little room would fail in the middle again.
TEST(WriteTable, FileFitsInItsSizeBound) {
  telemine::test::TempDir dir;
  telemine::Comm comm = telemine::Comm::local();
  for (const std::int64_t rows : {0, 1, 1000, 100000}) {
    std::vector<std::int64_t> ints(static_cast<std::size_t>(rows), 7);
    std::vector<double> reals(static_cast<std::size_t>(rows), 0.5);
    const TableLayout layout{rows, {{0, rows}}};
    std::vector<TableColumn> columns;
    for (int c = 0; c < 5; ++c) columns.push_back({"i" + std::to_string(c), std::span<const std::int64_t>(ints), "an int column"});
    for (int c = 0; c < 6; ++c) columns.push_back({"d" + std::to_string(c), std::span<const double>(reals), ""});
    const std::map<std::string, std::vector<std::string>> dicts{{"params", std::vector<std::string>(300, "A_PARAMETER_NAME")},
                                                                {"missions", {"SMAP"}}};
    const std::map<std::string, std::string> attrs{{"bucket", "1min"}, {"telemine_version", "0.0.0"}};
    const auto file = dir / ("t" + std::to_string(rows) + ".h5");
    write_table(file, comm, "stats", layout, columns, dicts, attrs);
    const auto bound = table_size_bound(layout, columns.size(), dicts, attrs);
    EXPECT_LE(std::filesystem::file_size(file), bound) << rows << " rows";
    // and not wildly more than needed: the reservation must not refuse a disk that has room
    EXPECT_LE(bound, std::filesystem::file_size(file) + 128 * 1024) << rows << " rows";
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".reserve"));
  }
}
