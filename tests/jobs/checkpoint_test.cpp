#include "jobs/checkpoint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace telemine;
using namespace telemine::jobs;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("telemine-checkpoint-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

}  // namespace

TEST(Checkpoints, SavedPiecesLoadBackPerStage) {
  const auto dir = fresh_dir("stage");
  const Checkpoints a(dir, "pairs-abc"), b(dir, "pairs-def");
  EXPECT_FALSE(a.load("run-0"));
  a.save("run-0", std::string("\0\1two", 5));
  ASSERT_TRUE(a.load("run-0"));
  EXPECT_EQ(*a.load("run-0"), std::string("\0\1two", 5));
  EXPECT_FALSE(b.load("run-0")) << "another stage never reads this one's pieces";
  a.clear();
  EXPECT_FALSE(fs::exists(dir / ".checkpoints"));
  fs::remove_all(dir);
}

TEST(Checkpoints, APieceThatFailsItsChecksumIsNotTrusted) {
  const auto dir = fresh_dir("corrupt");
  const Checkpoints c(dir, "s");
  c.save("p", "payload of the piece");
  fs::path file;
  for (const auto& e : fs::directory_iterator(dir / ".checkpoints")) file = e.path();
  ASSERT_FALSE(file.empty());
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes.back() ^= 1;
  std::ofstream(file, std::ios::binary) << bytes;
  EXPECT_FALSE(c.load("p"));
  std::ofstream(file, std::ios::binary) << "not a checkpoint";
  EXPECT_FALSE(c.load("p"));
  fs::remove_all(dir);
}
