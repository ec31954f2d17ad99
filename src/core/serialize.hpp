#pragma once
/// \file Byte buffers for collectives: trivially copyable values, strings and vectors appended
/// to a std::string and read back in the same order. Same machine and build on every rank, so
/// native byte order and layout are fine.

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace telemine {

class ByteWriter {
 public:
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const T& v) {
    buf_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void put(std::string_view s) {
    put<std::uint64_t>(s.size());
    buf_.append(s);
  }
  void put(const std::string& s) { put(std::string_view(s)); }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(std::span<const T> v) {
    put<std::uint64_t>(v.size());
    buf_.append(reinterpret_cast<const char*>(v.data()), v.size_bytes());
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const std::vector<T>& v) {
    put(std::span<const T>(v));
  }
  std::string take() { return std::move(buf_); }
  std::string& buffer() noexcept { return buf_; }

 private:
  std::string buf_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  template <class T>
    requires std::is_trivially_copyable_v<T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    need(n);
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void get_append(std::vector<T>& out) {
    const auto n = get<std::uint64_t>();
    need(n * sizeof(T));
    const std::size_t at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, p_, n * sizeof(T));
    p_ += n * sizeof(T);
  }
  template <class T>
  std::vector<T> get_vector() {
    std::vector<T> v;
    get_append(v);
    return v;
  }
  bool done() const noexcept { return p_ == end_; }

 private:
  void need(std::size_t n) const {
    if (static_cast<std::size_t>(end_ - p_) < n) throw InternalError("ByteReader: read past the end");
  }
  const char* p_;
  const char* end_;
};

/// Values as bytes, for collectives and checkpoints: trivially copyable values as they are,
/// strings and vectors with their length, and any other struct through the `put(ByteWriter&,
/// const T&)` and `get(ByteReader&, T&)` written beside it (found by argument-dependent lookup).
namespace serial {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T>
void write(ByteWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    w.put(v);
  } else if constexpr (std::is_trivially_copyable_v<T>) {
    w.put(v);
  } else if constexpr (is_vector<T>::value) {
    if constexpr (std::is_trivially_copyable_v<typename T::value_type>) {
      w.put(v);
    } else {
      w.put<std::uint64_t>(v.size());
      for (const auto& x : v) write(w, x);
    }
  } else {
    put(w, v);
  }
}

template <class T>
void read(ByteReader& r, T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    v = r.get_string();
  } else if constexpr (std::is_trivially_copyable_v<T>) {
    v = r.template get<T>();
  } else if constexpr (is_vector<T>::value) {
    if constexpr (std::is_trivially_copyable_v<typename T::value_type>) {
      v.clear();
      r.get_append(v);
    } else {
      v.resize(r.template get<std::uint64_t>());
      for (auto& x : v) read(r, x);
    }
  } else {
    get(r, v);
  }
}

}  // namespace serial

/// `v` as bytes.
template <class T>
std::string encode(const T& v) {
  ByteWriter w;
  serial::write(w, v);
  return w.take();
}

/// The value `encode` wrote; InternalError when the bytes are not exactly one T.
template <class T>
T decode(std::string_view bytes) {
  ByteReader r(bytes);
  T v{};
  serial::read(r, v);
  if (!r.done()) throw InternalError("decode: bytes left over");
  return v;
}

}  // namespace telemine
