#include "io/table.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <vector>

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
