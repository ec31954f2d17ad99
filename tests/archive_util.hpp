#pragma once
// An archive for the tests of jobs, written through the real MissionWriter.
#include <filesystem>
#include <map>

#include "core/comm.hpp"
#include "core/time.hpp"
#include "io/mission_writer.hpp"
#include "test_util.hpp"

namespace telemine::test {

// DIR/archive, mission M: three days (2026-01-01 .. 03) of one parameter P, 100 samples a day
// one minute apart from midnight, valued 0 .. 99. Returns the archive's folder.
inline std::filesystem::path make_three_day_archive(const TempDir& dir) {
  Comm comm = Comm::local();
  io::MissionWriter w = io::MissionWriter::open(dir / "archive", "M", comm);
  w.declare({"P"});
  const TimeNs day0 = parse_time("2026-01-01");
  for (int d = 0; d < 3; ++d) {
    std::map<std::string, io::Series, std::less<>> data;
    for (int i = 0; i < 100; ++i) {
      data["P"].time.push_back(day0 + d * kDay + i * kMinute);
      data["P"].value.push_back(i);
    }
    w.write_slice(day0 + d * kDay, data);
  }
  w.commit();
  return dir / "archive";
}

}  // namespace telemine::test
