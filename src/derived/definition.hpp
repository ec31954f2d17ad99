#pragma once
/// \file A derived parameter's definition as written (`NAME = EXPR`) and the alignment options:
/// plain data, so that job files can carry them without the expression machinery.

#include <string>
#include <string_view>

#include "core/time.hpp"

namespace telemine::derived {

/// One `NAME = EXPR`, and where it was written (`FILE:LINE`, `--define`), for messages.
struct Definition {
  std::string name;
  std::string expression;
  std::string where;
  friend bool operator==(const Definition&, const Definition&) = default;
};

/// Parses `NAME = EXPR` (the form of --define). Throws UsageError naming `where`.
Definition parse_definition(std::string_view text, std::string where);

struct Options {
  DurationNs hold = 0;  ///< the longest a value is held; 0 = the mission's slice (a day by default)
  DurationNs grid = 0;  ///< align on the points of this grid (aligned to the epoch); 0 = the first input's times
};

}  // namespace telemine::derived
