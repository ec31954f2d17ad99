// The job-file reader (jobs::Job::parse) on arbitrary bytes.
#include "fuzz_util.hpp"
#include "jobs/job.hpp"

using namespace telemine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile file("job");
  const auto& path = file.write(data, size);
  fuzz::expect_value_or_error([&] { jobs::Job::parse(path, {}); });
  return 0;
}
