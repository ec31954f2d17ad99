#include "io/csv_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

namespace {

std::string read_whole(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(file.string() + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw IoError(file.string() + ": cannot read: not a regular file");
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n == 0 ? EIO : errno;  // 0: the file shrank while being read
      ::close(fd);
      throw IoError(file.string() + ": cannot read: " + std::strerror(err));
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return bytes;
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

CsvReader CsvReader::open(const fs::path& file) { return CsvReader(read_whole(file), file); }

CsvReader::CsvReader(std::string text, fs::path file) : text_(std::move(text)), file_(std::move(file)) {}

void CsvReader::fail(std::string_view what) const { fail_at(record_line_, what); }

void CsvReader::fail_at(int line, std::string_view what) const {
  throw IoError(file_.string() + ":" + std::to_string(line) + ": " + std::string(what));
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  const std::string_view text(text_);
  for (;;) {
    if (pos_ >= text.size()) return false;
    const std::size_t nl = text.find('\n', pos_);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos_, end - pos_);
    if (blank(line)) {
      pos_ = end + 1;
      ++line_;
      continue;
    }
    record_line_ = line_;
    if (line.find('"') != std::string_view::npos) return next_quoted(fields);
    // Fast path, most records: no quote, so the record is this line split at every comma.
    pos_ = end + 1;
    ++line_;
    if (line.back() == '\r') line.remove_suffix(1);
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) {
        fields.push_back(line.substr(start));
        return true;
      }
      fields.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
  }
}

// A record with a quote somewhere: a small state machine over the text, which may run over
// several lines (a quoted CR or LF). Fields are unescaped into scratch_, then viewed.
bool CsvReader::next_quoted(std::vector<std::string_view>& fields) {
  const std::string_view text(text_);
  scratch_.clear();
  spans_.clear();
  std::size_t i = pos_;
  for (;;) {
    const std::size_t begin = scratch_.size();
    if (i < text.size() && text[i] == '"') {
      const int opened = line_;
      ++i;
      for (;;) {
        if (i >= text.size()) fail_at(opened, "quoted field never closed (a '\"' is missing)");
        const char c = text[i++];
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            scratch_ += '"';
            ++i;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        scratch_ += c;
      }
      const bool at_end = i >= text.size() || text[i] == ',' || text[i] == '\n' ||
                          (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] == '\n'));
      if (!at_end)
        fail_at(line_, "text after the closing quote of field " + std::to_string(spans_.size() + 1) +
                           " (a quote inside a quoted field is written \"\")");
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n') {
        if (text[i] == '"')
          fail_at(line_, "quote inside unquoted field " + std::to_string(spans_.size() + 1) +
                             " (quote the whole field, and write a quote as \"\")");
        scratch_ += text[i++];
      }
      if (!scratch_.empty() && scratch_.size() > begin && scratch_.back() == '\r' &&
          (i >= text.size() || text[i] == '\n'))
        scratch_.pop_back();
    }
    spans_.emplace_back(begin, scratch_.size() - begin);
    if (i < text.size() && text[i] == '\r') ++i;  // CRLF after a closing quote
    if (i >= text.size() || text[i] == '\n') break;
    ++i;  // the comma
  }
  if (i < text.size()) {
    ++i;  // the line end
    ++line_;
  }
  pos_ = i;
  for (const auto& [offset, size] : spans_) fields.emplace_back(scratch_.data() + offset, size);
  return true;
}

}  // namespace telemine::io
