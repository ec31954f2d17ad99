#pragma once
/// \file A small streaming JSON writer for products (product.json, truth.json). Keys in the order
/// written, two-space indentation, doubles printed shortest-exact, NaN/Inf as null.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace telemine::io {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// The key of the next value inside an object.
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(bool v);
  JsonWriter& null();

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const noexcept { return out_; }

 private:
  void before_value();
  void newline();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

/// `"text"` with JSON escapes.
std::string json_quote(std::string_view text);

/// Writes text to `file` atomically (temporary name, fsync, rename).
void write_file_atomically(const std::filesystem::path& file, std::string_view text);
/// Writes text to `file` as it is (a staged output, renamed into place later); IoError names
/// the file when it cannot be created or written.
void write_file(const std::filesystem::path& file, std::string_view text);

/// A text file written in pieces (an output too large to hold as one string), as `write_file`
/// writes it: append to buffer(), call flush_if_full() now and then, close() at the end. The
/// destructor closes without reporting: it runs when an exception is already on its way.
class TextFile {
 public:
  /// Creates (or empties) `path`; errors name `shown` when given (a temporary file's target).
  explicit TextFile(const std::filesystem::path& path, std::filesystem::path shown = {});
  ~TextFile();
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;

  std::string& buffer() noexcept { return buffer_; }
  /// Writes `text` now, after what the buffer holds (text that is already one string).
  void write(std::string_view text);
  /// Writes the buffer out once it holds 1 MB.
  void flush_if_full() {
    if (buffer_.size() >= (1u << 20)) flush();
  }
  /// Writes the rest and closes; IoError naming the file on a short write (a full disk).
  void close();

 private:
  void flush();
  std::filesystem::path file_;
  std::FILE* f_ = nullptr;
  std::string buffer_;
};

}  // namespace telemine::io
