#include "io/npy.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

std::int64_t NpyArray::cols() const noexcept {
  std::int64_t n = 1;
  for (std::size_t i = 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

namespace {

[[noreturn]] void refuse(const fs::path& file, const std::string& why) { throw IoError(file.string() + ": " + why); }

// The value of `key` in the header dict: the text after `'key':` up to the next top-level comma
// or closing brace (a shape tuple keeps its commas).
std::string dict_value(const fs::path& file, std::string_view header, std::string_view key) {
  const std::string quoted = "'" + std::string(key) + "'";
  auto k = header.find(quoted);
  if (k == std::string_view::npos) refuse(file, "malformed .npy header: no '" + std::string(key) + "' in " + std::string(header));
  auto p = header.find(':', k + quoted.size());
  if (p == std::string_view::npos) refuse(file, "malformed .npy header near '" + std::string(key) + "'");
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  int depth = 0;
  std::size_t e = p;
  for (; e < header.size(); ++e) {
    const char c = header[e];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  std::string v(header.substr(p, e - p));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

std::vector<std::int64_t> parse_shape(const fs::path& file, const std::string& text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') refuse(file, "malformed .npy shape " + text);
  std::vector<std::int64_t> shape;
  const char* p = text.data() + 1;
  const char* end = text.data() + text.size() - 1;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) ++p;
    if (p == end) break;
    std::int64_t n = 0;
    auto [q, ec] = std::from_chars(p, end, n);
    if (ec != std::errc() || n < 0) refuse(file, "malformed .npy shape " + text);
    shape.push_back(n);
    p = q;
    if (p < end && *p == 'L') ++p;  // Python 2 long suffix
  }
  return shape;
}

template <class T>
void convert(const char* src, std::size_t n, std::vector<double>& out) {
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, src + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
}

}  // namespace

NpyArray read_npy(const fs::path& file) {
  static_assert(std::endian::native == std::endian::little, "the .npy reader assumes a little-endian host");
  std::ifstream in(file, std::ios::binary);
  if (!in) refuse(file, "cannot open");
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) refuse(file, "not a .npy file (bad magic string)");
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) refuse(file, "truncated .npy header");
    for (int i = 0; i < 4; ++i) header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    header_start = 12;
  } else {
    refuse(file, ".npy format version " + std::to_string(major) + " is not supported (1, 2 and 3 are)");
  }
  if (bytes.size() < header_start + header_len) refuse(file, "truncated .npy header");
  const std::string_view header(bytes.data() + header_start, header_len);

  NpyArray a;
  std::string descr = dict_value(file, header, "descr");
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"')) refuse(file, "unsupported dtype " + descr);
  a.descr = descr.substr(1, descr.size() - 2);
  if (dict_value(file, header, "fortran_order") != "False")
    refuse(file, "Fortran-order arrays are not supported (save with C order)");
  a.shape = parse_shape(file, dict_value(file, header, "shape"));

  if (a.descr.size() < 3) refuse(file, "unsupported dtype '" + a.descr + "'");
  const char order = a.descr[0];
  const std::string type = a.descr.substr(1);
  if (order == '>') refuse(file, "big-endian dtype " + a.descr + " is not supported");
  if (order != '<' && order != '|' && order != '=') refuse(file, "unsupported dtype '" + a.descr + "'");
  struct Kind {
    const char* name;
    std::size_t size;
    void (*convert)(const char*, std::size_t, std::vector<double>&);
  };
  static constexpr Kind kKinds[] = {
      {"f8", 8, convert<double>},        {"f4", 4, convert<float>},         {"i8", 8, convert<std::int64_t>},
      {"i4", 4, convert<std::int32_t>},  {"i2", 2, convert<std::int16_t>},  {"i1", 1, convert<std::int8_t>},
      {"u8", 8, convert<std::uint64_t>}, {"u4", 4, convert<std::uint32_t>}, {"u2", 2, convert<std::uint16_t>},
      {"u1", 1, convert<std::uint8_t>},  {"b1", 1, convert<std::uint8_t>},
  };
  const Kind* kind = nullptr;
  for (const auto& k : kKinds)
    if (type == k.name) kind = &k;
  if (kind == nullptr) refuse(file, "unsupported dtype '" + a.descr + "' (float64/32, integers and bool are)");

  const std::size_t data_start = header_start + header_len;
  const std::size_t have = bytes.size() - data_start;
  // The element count by checked products: a shape such as (2**32, 2**32) would wrap to 0 and
  // pass for an empty array, and its readers would index far past the data.
  std::size_t n = 1;
  bool overflow = false;
  for (auto d : a.shape) overflow |= __builtin_mul_overflow(n, static_cast<std::size_t>(d), &n);
  if (std::find(a.shape.begin(), a.shape.end(), 0) != a.shape.end()) n = 0, overflow = false;
  if (overflow || n > SIZE_MAX / kind->size)
    refuse(file, "corrupt: the shape " + excerpt(dict_value(file, header, "shape")) + " has more elements than 64 bits count");
  if (have < n * kind->size)
    refuse(file, "truncated: header says " + std::to_string(n * kind->size) + " bytes of data, file has " + std::to_string(have));
  if (have > n * kind->size)
    refuse(file, "corrupt: " + std::to_string(have - n * kind->size) + " bytes after the data the header describes");
  kind->convert(bytes.data() + data_start, n, a.data);
  return a;
}

std::string npy_bytes(const std::vector<std::int64_t>& shape, const std::vector<double>& data) {
  std::string dims;
  for (auto d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
  const std::size_t total = 10 + header.size() + 1;  // data on a 64-byte boundary, as numpy writes
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  const auto len = static_cast<std::uint16_t>(header.size());
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(double));
  return out;
}

void write_npy(const fs::path& file, const std::vector<std::int64_t>& shape, const std::vector<double>& data) {
  std::string dims;
  for (auto d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that the data starts on a 64-byte boundary, newline last (as numpy does).
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(file, std::ios::binary);
  if (!out) throw IoError(file.string() + ": cannot create");
  out.write("\x93NUMPY\x01\x00", 8);
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  out.put(static_cast<char>(len & 0xff)).put(static_cast<char>(len >> 8));
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(double)));
  if (!out) throw IoError(file.string() + ": cannot write");
}

}  // namespace telemine::io
