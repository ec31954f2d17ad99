#include "core/comm.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace telemine;

TEST(LocalComm, IsOneRankAndCollectivesAreCopies) {
  Comm comm = Comm::local();
  EXPECT_EQ(comm.rank(), 0);
  EXPECT_EQ(comm.size(), 1);
  EXPECT_FALSE(comm.is_mpi());
  std::string b = "abc";
  comm.broadcast_bytes(b);
  EXPECT_EQ(b, "abc");
  std::int64_t v[2] = {3, 4};
  comm.allreduce(std::span<std::int64_t>(v, 2), ReduceOp::sum);
  EXPECT_EQ(v[1], 4);
  EXPECT_EQ(comm.allgather_bytes("x"), std::vector<std::string>{"x"});
  EXPECT_EQ(comm.gather_bytes("y"), std::vector<std::string>{"y"});
  EXPECT_TRUE(comm.all_ok(true));
  EXPECT_FALSE(comm.all_ok(false));
  EXPECT_EQ(comm.allreduce_value(2.5, ReduceOp::max), 2.5);
}

TEST(LocalComm, IsMoveOnly) {
  static_assert(!std::is_copy_constructible_v<Comm>);
  static_assert(std::is_nothrow_move_constructible_v<Comm>);
  Comm a = Comm::local();
  Comm b = std::move(a);
  EXPECT_EQ(b.size(), 1);
}

TEST(LocalComm, RunPhaseRethrowsTheOriginalError) {
  Comm comm = Comm::local();
  EXPECT_NO_THROW(comm.run_phase([] {}));
  EXPECT_THROW(comm.run_phase([] { throw IoError("x.h5: broken"); }), IoError);
  try {
    comm.run_phase([] { throw UsageError("bad"); });
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_STREQ(e.what(), "bad");
  }
  EXPECT_TRUE(Comm::failure_agreed());
}

TEST(LocalComm, WorldWithoutMpirunIsLocal) {
  EXPECT_FALSE(Comm::world().is_mpi());
}
