#pragma once
// Shared by the fuzz targets: the input as a file (the readers take paths), and the rule that
// a reader may refuse an input only with one of telemine's typed errors.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace telemine::fuzz {

// An in-memory file (memfd) holding the input, reachable by path; rewritten for every input.
class InputFile {
 public:
  explicit InputFile(const char* name) : fd_(::memfd_create(name, 0)) {
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
    return path_;
  }

 private:
  int fd_;
  std::filesystem::path path_;
};

// Runs f; a telemine::Error (bad input, named) is the expected refusal; anything else is a bug.
template <class F>
void expect_value_or_error(F&& f) {
  try {
    f();
  } catch (const Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "untyped exception: %s\n", e.what());
    std::abort();
  }
}

}  // namespace telemine::fuzz
