#include "io/fs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

fs::path temporary_name(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = ".";
  name += target.filename().native();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter++);
  return target.parent_path() / name;
}

std::optional<long> temporary_owner(std::string_view name) {
  // `.NAME.tmp-<pid>-<counter>`
  const auto mark = name.rfind(".tmp-");
  if (name.size() < 2 || name.front() != '.' || mark == std::string_view::npos || mark == 0) return std::nullopt;
  const std::string_view rest = name.substr(mark + 5);
  const auto dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == rest.size()) return std::nullopt;
  long pid = 0;
  for (const char c : rest.substr(0, dash)) {
    if (c < '0' || c > '9' || pid > 100000000) return std::nullopt;
    pid = pid * 10 + (c - '0');
  }
  for (const char c : rest.substr(dash + 1))
    if (c < '0' || c > '9') return std::nullopt;
  return pid;
}

std::size_t remove_stale_temporaries(const fs::path& dir) noexcept {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto pid = temporary_owner(it->path().filename().native());
    // kill(pid, 0) fails with ESRCH only when no such process exists: a live process (ours, or
    // one whose id was reused) keeps its files.
    if (!pid || *pid == ::getpid() || ::kill(static_cast<pid_t>(*pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
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
