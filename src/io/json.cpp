#include "io/json.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/error.hpp"
#include "io/fs.hpp"

namespace telemine::io {

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

void JsonWriter::newline() {
  out_.push_back('\n');
  out_.append(2 * first_.size(), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_.push_back('}');
  if (first_.empty()) out_.push_back('\n');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ += json_quote(k);
  out_ += ": ";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  before_value();
  out_ += json_quote(v);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  if (!std::isfinite(v)) return null();
  before_value();
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  before_value();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  before_value();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

namespace {

// Writes `text` to `path`; errors name `shown` (the file the caller is making).
void write_text(const std::filesystem::path& path, std::string_view text, const std::filesystem::path& shown) {
  TextFile f(path, shown);
  f.write(text);
  f.close();
}

}  // namespace

void write_file(const std::filesystem::path& file, std::string_view text) { write_text(file, text, file); }

TextFile::TextFile(const std::filesystem::path& path, std::filesystem::path shown)
    : file_(shown.empty() ? path : std::move(shown)), f_(std::fopen(path.c_str(), "wb")) {
  if (f_ == nullptr) throw IoError(file_.string() + ": cannot create: " + std::strerror(errno));
}

TextFile::~TextFile() {
  if (f_ != nullptr) std::fclose(f_);
}

void TextFile::write(std::string_view text) {
  flush();
  if (std::fwrite(text.data(), 1, text.size(), f_) != text.size()) throw IoError(file_.string() + ": cannot write (disk full?)");
}

void TextFile::flush() {
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), f_) != buffer_.size())
    throw IoError(file_.string() + ": cannot write (disk full?)");
  buffer_.clear();
}

void TextFile::close() {
  flush();
  std::FILE* f = std::exchange(f_, nullptr);
  if (std::fclose(f) != 0) throw IoError(file_.string() + ": cannot write (disk full?)");
}

void write_file_atomically(const std::filesystem::path& file, std::string_view text) {
  const auto tmp = temporary_name(file);
  try {
    write_text(tmp, text, file);
    fsync_file(tmp);
    rename_durably(tmp, file);
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
}

}  // namespace telemine::io
