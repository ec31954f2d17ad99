#include "jobs/products/bagit.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace telemine::jobs::products {
namespace {

TEST(Sha256, KnownVectors) {
  test::TempDir tmp;
  test::write_text(tmp / "abc", "abc");
  EXPECT_EQ(sha256_file(tmp / "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  test::write_text(tmp / "empty", "");
  EXPECT_EQ(sha256_file(tmp / "empty"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Bag, ValidUntilAPayloadFileChanges) {
  test::TempDir tmp;
  const auto bag = tmp / "bag";
  test::write_text(tmp / "src.txt", "hello\n");
  std::vector<BagFile> payload;
  add_to_bag(tmp / "src.txt", bag, "data/a/b.txt", payload);
  write_bag_tags(bag, payload, {{"External-Identifier", "t"}});
  EXPECT_TRUE(validate_bag(bag).empty());
  EXPECT_NE(test::read_text(bag / "bag-info.txt").find("Payload-Oxum: 6.1"), std::string::npos);
  test::write_text(bag / "data/a/b.txt", "hellO\n");
  const auto problems = validate_bag(bag);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("data/a/b.txt: SHA-256 differs"), std::string::npos);
  EXPECT_FALSE(validate_bag(tmp.path()).empty()) << "no bagit.txt: not a bag";
}

}  // namespace
}  // namespace telemine::jobs::products
