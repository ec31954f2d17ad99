#pragma once
/// \file Plain logging to stderr. Messages from rank 0 only unless `all_ranks`.

#include <string_view>

namespace telemine::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level) noexcept;
void set_rank(int rank) noexcept;
Level level() noexcept;

/// Prints `telemine: <text>` (warnings as `telemine: warning: <text>`) on rank 0.
void info(std::string_view text);
void warn(std::string_view text);
void debug(std::string_view text);
/// A warning of the rank that calls it (what only that rank knows: a model it holds).
void warn_any_rank(std::string_view text);
/// Prints on whichever rank calls it, prefixed with the rank when there are several.
void error_any_rank(std::string_view text);

}  // namespace telemine::log
