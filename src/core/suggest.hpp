#pragma once
/// \file "Did you mean": the nearest known names to a mistyped one, for error messages about
/// options, commands, missions, parameters and job keys.

#include <string>
#include <string_view>
#include <vector>

namespace telemine {

/// Levenshtein distance between two names (insertions, deletions, substitutions; case counts).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Up to `most` known names closest to `name`, nearest first, ties by name: those within a third
/// of the longer name's length (at least 2 edits), or starting with `name`.
std::vector<std::string> nearest_names(std::string_view name, const std::vector<std::string>& known,
                                       std::size_t most = 3);

/// The tail of an error message about an unknown `name`: ` (did you mean 'x'?)` when one or more
/// known names are near, else ` (known: a, b, c, ...)` listing the first `most` names; empty when
/// nothing is known.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& known, std::size_t most = 5);

}  // namespace telemine
