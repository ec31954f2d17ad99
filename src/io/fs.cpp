#include "io/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

fs::path temporary_name(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                 "-" + std::to_string(counter++));
}

namespace {
void fsync_path(const fs::path& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open to " + what + ": " + std::strerror(errno));
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    throw IoError(path.string() + ": " + what + " failed: " + std::strerror(err));
  }
  ::close(fd);
}
}  // namespace

void fsync_file(const fs::path& file) { fsync_path(file, O_RDONLY, "fsync"); }

void rename_durably(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw IoError(to.string() + ": cannot rename " + from.string() + " into place: " + std::strerror(errno));
  fsync_path(to.parent_path().empty() ? fs::path(".") : to.parent_path(), O_RDONLY | O_DIRECTORY, "fsync folder");
}

void remove_quietly(const fs::path& file) noexcept {
  std::error_code ec;
  fs::remove(file, ec);
}

void make_directories(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError(dir.string() + ": cannot create folder: " + ec.message());
}

}  // namespace telemine::io
