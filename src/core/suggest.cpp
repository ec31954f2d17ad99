#include "core/suggest.hpp"

#include <algorithm>
#include <numeric>

namespace telemine {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table at a time.
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> nearest_names(std::string_view name, const std::vector<std::string>& known,
                                       std::size_t most) {
  std::vector<std::pair<std::size_t, std::string>> near;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(name, k);
    const std::size_t limit = std::max<std::size_t>(2, std::max(name.size(), k.size()) / 3);
    const bool prefix = name.size() >= 2 && k.size() > name.size() && k.compare(0, name.size(), name) == 0;
    if ((d <= limit && d < std::max(name.size(), k.size())) || prefix) near.emplace_back(d, k);
  }
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < near.size() && out.size() < most; ++i) out.push_back(near[i].second);
  return out;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& known, std::size_t most) {
  const auto near = nearest_names(name, known, 3);
  auto quoted = [](const std::vector<std::string>& names, std::string_view sep) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "'" : std::string(sep) + "'") + n + "'";
    return s;
  };
  if (!near.empty()) return " (did you mean " + quoted(near, " or ") + "?)";
  if (known.empty()) return {};
  std::vector<std::string> first(known.begin(), known.begin() + static_cast<std::ptrdiff_t>(std::min(most, known.size())));
  return " (known: " + quoted(first, ", ") + (known.size() > most ? ", ..." : "") + ")";
}

}  // namespace telemine
