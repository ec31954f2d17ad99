#include "core/log.hpp"

#include <atomic>
#include <iostream>
#include <string>

namespace telemine::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::atomic<int> g_rank{0};

void emit(std::string_view prefix, std::string_view text) {
  std::string line;
  line.reserve(prefix.size() + text.size() + 12);
  line.append("telemine: ").append(prefix).append(text).push_back('\n');
  std::cerr << line << std::flush;  // one write per line, so ranks' lines do not interleave
}
}  // namespace

void set_level(Level level) noexcept { g_level = level; }
void set_rank(int rank) noexcept { g_rank = rank; }
Level level() noexcept { return g_level; }

void info(std::string_view text) {
  if (g_rank == 0 && g_level <= Level::info) emit("", text);
}
void warn(std::string_view text) {
  if (g_rank == 0 && g_level <= Level::warn) emit("warning: ", text);
}
void warn_any_rank(std::string_view text) {
  if (g_level <= Level::warn) emit("warning: ", text);
}
void debug(std::string_view text) {
  if (g_level <= Level::debug) emit("[rank " + std::to_string(g_rank.load()) + "] ", text);
}
void error_any_rank(std::string_view text) {
  emit(g_rank == 0 ? std::string("error: ") : "error (rank " + std::to_string(g_rank.load()) + "): ",
       text);
}

}  // namespace telemine::log
