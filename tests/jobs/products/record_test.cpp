#include "jobs/products/record.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/json.hpp"
#include "jobs/products/product_fixture.hpp"

namespace telemine::jobs::products {
namespace {

TEST(JobKeys, FileKeysThenOverridesWithTheirKindsPrefix) {
  const auto keys = job_keys("stats", "", {"--archive", "a", "--bucket=1h", "--quiet", "--stats.x", "2"});
  const std::vector<std::pair<std::string, std::string>> want = {
      {"archive", "a"}, {"stats.bucket", "1h"}, {"stats.x", "2"}, {"kind", "stats"}};
  EXPECT_EQ(keys, want);
  const auto file = job_keys("stats", "kind = stats # c\n[stats]\nbucket = 1d\n", {"--output=o"});
  const std::vector<std::pair<std::string, std::string>> want2 = {{"kind", "stats"}, {"stats.bucket", "1d"}, {"output", "o"}};
  EXPECT_EQ(file, want2);
}

TEST(ReadProduct, ReadsWhatPublishWrites) {
  test::TempDir tmp;
  test::write_product(tmp / "p", "stats", "SYN1", "P1", "kind = stats\n");
  const auto r = read_product(tmp / "p");
  EXPECT_EQ(r.kind, "stats");
  EXPECT_EQ(r.id.size(), 16u);
  EXPECT_EQ(r.missions, std::vector<std::string>{"SYN1"});
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].file, "out.csv");
  EXPECT_EQ(r.from, parse_time("2026-01-01"));
  EXPECT_EQ(r.to, parse_time("2026-01-02"));
  EXPECT_EQ(r.archive, "/nowhere");
}

TEST(ReadProduct, NamesTheProblem) {
  test::TempDir tmp;
  std::filesystem::create_directories(tmp / "none");
  EXPECT_THROW(read_product(tmp / "none"), UsageError);
  test::write_text(tmp / "bad/product.json", "{\"product\": \"telemine stats\"}");
  try {
    read_product(tmp / "bad");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("bad/product.json: damaged product.json"), std::string::npos) << e.what();
  }
  test::write_text(tmp / "new/product.json", "{\"product\": \"telemine stats\", \"telemine_version\": \"9\", \"product_format\": 7}");
  EXPECT_THROW(read_product(tmp / "new"), IoError);
}

}  // namespace
}  // namespace telemine::jobs::products
