#include "core/serialize.hpp"

#include <gtest/gtest.h>

using namespace telemine;

TEST(Serialize, RoundTripsValuesStringsAndVectors) {
  ByteWriter w;
  w.put<std::int64_t>(-5);
  w.put(std::string("param/with,comma"));
  w.put(std::vector<double>{1.5, -0.0, 1e300});
  w.put(std::string());
  const std::string bytes = w.take();
  ByteReader r(bytes);
  EXPECT_EQ(r.get<std::int64_t>(), -5);
  EXPECT_EQ(r.get_string(), "param/with,comma");
  EXPECT_EQ(r.get_vector<double>(), (std::vector<double>{1.5, -0.0, 1e300}));
  EXPECT_EQ(r.get_string(), "");
  EXPECT_TRUE(r.done());
  EXPECT_THROW(r.get<std::int32_t>(), InternalError);
}
