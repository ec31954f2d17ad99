#include "io/fs.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.hpp"

using namespace telemine;
using namespace telemine::io;

namespace {
// The id of a process that has run and been reaped: no process has it (until reused, which
// Linux does only after cycling through pid_max).
long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}
}  // namespace

TEST(Temporaries, NamesCarryTheirOwner) {
  const auto tmp = temporary_name("/a/b/catalog.h5");
  EXPECT_EQ(tmp.parent_path(), "/a/b");
  EXPECT_EQ(temporary_owner(tmp.filename().native()), ::getpid());
  EXPECT_EQ(temporary_owner(".M_2026-01-01.h5.tmp-1234-7"), 1234);
  for (const char* other : {"catalog.h5", ".lock", "x.tmp-12-3", ".x.tmp-12", ".x.tmp--3", ".x.tmp-1a-2", ".x.tmp-12-",
                            ".tmp-12-3"})
    EXPECT_FALSE(temporary_owner(other)) << other;
}

TEST(Temporaries, OnlyThoseOfDeadProcessesAreRemoved) {
  test::TempDir dir;
  const std::string dead = std::to_string(dead_pid());
  const auto stale = dir / ("2026/01/.M_2026-01-01.h5.tmp-" + dead + "-0");
  const auto stale_catalog = dir / (".catalog.h5.tmp-" + dead + "-3");
  const auto live = temporary_name(dir / "catalog.h5");
  const auto parent = dir / (".catalog.h5.tmp-" + std::to_string(::getppid()) + "-0");
  const auto data = dir / "2026/01/M_2026-01-01.h5";
  for (const auto& f : {stale, stale_catalog, live, parent, data}) test::write_text(f, "x");
  EXPECT_EQ(remove_stale_temporaries(dir.path()), 2u);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_FALSE(std::filesystem::exists(stale_catalog));
  for (const auto& f : {live, parent, data}) EXPECT_TRUE(std::filesystem::exists(f)) << f;
  EXPECT_EQ(remove_stale_temporaries(dir / "missing"), 0u);
}
