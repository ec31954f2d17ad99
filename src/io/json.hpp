#pragma once
/// \file A small streaming JSON writer for products (product.json, truth.json). Keys in the order
/// written, two-space indentation, doubles printed shortest-exact, NaN/Inf as null.

#include <cstdint>
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

}  // namespace telemine::io
