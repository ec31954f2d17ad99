#pragma once
/// \file Out-of-limit checks of live samples. Limits live in the mission's catalogue as
/// attributes `limits.NAME` = `LOW,HIGH` (either side may be empty: no limit on it), set with
/// `telemine limits set`. The stream raises one alert per excursion: when a parameter's value
/// goes outside its limits after being inside (or at its first sample); it is written as a JSON
/// line on --alerts FILE once the sample is durable, and as an event of kind `alert` in the
/// archive at the next compaction.

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "io/archive.hpp"

namespace telemine {
class Comm;
}

namespace telemine::stream {

struct Limit {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool outside(double v) const noexcept { return v < low || v > high; }  // NaN: never
};

using Limits = std::map<std::string, Limit, std::less<>>;

/// The limits in a catalogue's attributes. Throws IoError naming the attribute when malformed.
Limits read_limits(const io::Catalog& catalog);
/// `LOW,HIGH`, a side without limit empty.
std::string limit_text(const Limit& limit);

struct Alert {
  std::string param;
  TimeNs time = 0;
  double value = 0;
  Limit limit;
};
/// One JSON line (with the line end): {"kind":"alert","mission":...,"param":...,"time":...,...}.
std::string alert_json(std::string_view mission, const Alert& a);
/// The archive's event for an alert: kind `alert`, [time, time + 1 ns), the value and limits as text.
io::Event alert_event(const Alert& a);

/// `telemine limits set|list ...`.
int cmd_limits(const Comm& comm, const std::vector<std::string>& args);

}  // namespace telemine::stream
