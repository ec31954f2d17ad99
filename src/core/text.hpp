#pragma once
/// \file Small text helpers shared by every layer: one trim, one number parser, one whole-file
/// reader, so that each does not grow its own with its own corner cases.

#include <charconv>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace telemine {

/// `s` without leading and trailing blanks: by default space, tab, CR and LF; a CSV cell is
/// trimmed of space and tab only (`kCellBlanks`), so that a CR inside quotes is kept.
inline constexpr std::string_view kCellBlanks = " \t";
constexpr std::string_view trim(std::string_view s, std::string_view blanks = " \t\r\n") noexcept {
  const auto b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

/// The whole of `text` as a number of type T (integer or floating point), or nullopt when it
/// is not one: no blanks, no trailing characters, no overflow.
template <class T>
std::optional<T> parse_number(std::string_view text) noexcept {
  T x{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return x;
}

/// The bytes of a file. Throws IoError naming the file when it cannot be read.
std::string read_whole_file(const std::filesystem::path& file);

}  // namespace telemine
