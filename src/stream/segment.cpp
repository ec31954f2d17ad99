#include "stream/segment.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "io/live.hpp"

namespace telemine::stream {

namespace fs = std::filesystem;

namespace {

void fsync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw IoError(dir.string() + ": cannot open folder: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw IoError(dir.string() + ": fsync of the folder failed: " + std::strerror(err));
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot read live segment: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

// The newest time among the sample lines of `text` (lines after the header, complete).
TimeNs newest_time(const std::string& text, std::int64_t& lines) {
  TimeNs newest = kTimeMin;
  std::size_t pos = text.find('\n');
  while (pos != std::string::npos && pos + 1 < text.size()) {
    const std::size_t start = pos + 1;
    pos = text.find('\n', start);
    TimeNs t = 0;
    auto [p, ec] = std::from_chars(text.data() + start, text.data() + pos, t);
    if (ec == std::errc() && p != text.data() + start) newest = std::max(newest, t);
    ++lines;
  }
  return newest;
}

}  // namespace

LiveLock::LiveLock(const fs::path& live_dir) {
  const fs::path file = live_dir / ".lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(file.string() + ": cannot create lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw IoError(live_dir.string() + ": another telemine stream is writing this mission (lock held on " +
                  file.string() + ")");
  }
}

LiveLock::~LiveLock() {
  if (fd_ >= 0) ::close(fd_);
}

Recovered recover_segments(const fs::path& mission_dir) {
  Recovered r;
  for (const auto& file : io::list_segments(mission_dir)) {
    r.next_number = std::max(r.next_number, *io::segment_number(file.filename().native()) + 1);
    const std::string text = read_file(file);
    const auto last = text.rfind('\n');
    const std::size_t keep = last == std::string::npos ? 0 : last + 1;
    if (keep == 0) {  // not even a whole header: nothing was ever acknowledged from it
      fs::remove(file);
      r.torn_bytes += static_cast<std::int64_t>(text.size());
      continue;
    }
    if (keep < text.size()) {
      if (::truncate(file.c_str(), static_cast<off_t>(keep)) != 0)
        throw IoError(file.string() + ": cannot cut off an incomplete last line: " + std::strerror(errno));
      r.torn_bytes += static_cast<std::int64_t>(text.size() - keep);
    }
    r.newest = std::max(r.newest, newest_time(text.substr(0, keep), r.samples));
  }
  return r;
}

SegmentWriter SegmentWriter::create(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(file.string() + ": cannot create live segment: " + std::strerror(errno));
  SegmentWriter w(file, fd);
  fsync_folder(file.parent_path());
  return w;
}

SegmentWriter::SegmentWriter(SegmentWriter&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), size_(o.size_), synced_(o.synced_) {}

SegmentWriter& SegmentWriter::operator=(SegmentWriter&& o) noexcept {
  std::swap(path_, o.path_);
  std::swap(fd_, o.fd_);
  std::swap(size_, o.size_);
  std::swap(synced_, o.synced_);
  return *this;
}

SegmentWriter::~SegmentWriter() {
  if (fd_ >= 0) ::close(fd_);
}

bool SegmentWriter::write_durably(std::string& bytes, std::string& error) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = path_.string() + ": " + std::strerror(n < 0 ? errno : ENOSPC);
      break;
    }
    done += static_cast<std::size_t>(n);
    synced_ = false;
  }
  size_ += static_cast<std::int64_t>(done);
  bytes.erase(0, done);
  if (!bytes.empty()) return false;
  if (!synced_ && ::fdatasync(fd_) != 0) {
    error = path_.string() + ": fdatasync failed: " + std::strerror(errno);
    return false;
  }
  synced_ = true;
  return true;
}

}  // namespace telemine::stream
