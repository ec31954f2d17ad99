#pragma once
/// \file Derived parameters: named expressions over a mission's parameters, read like stored
/// ones. The one entry point for every reader (get, stats, derive, the job kinds) is read().
///
/// Alignment: the output has the sample times of the expression's first input (or the points of
/// a grid, when one is given); every other input takes its last value at or before each time,
/// held for at most `hold` (state semantics; NaN when older). NaN propagates: a sample is NaN
/// when any input is. Time-aware functions are computed on their parameter's own samples first.
///
/// read() reads every input from far enough before `from` for the largest lag, window and hold
/// on the way down (margin()), so a derived value never depends on how the time range is split
/// over partitions and ranks.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "derived/definition.hpp"
#include "derived/expression.hpp"
#include "io/archive.hpp"

namespace telemine::derived {

/// A mission's derived parameters, validated and compiled.
class Definitions {
 public:
  /// Validates against `catalog`: names, no clash with a stored parameter, every input known,
  /// no cycle, every function known, lags and windows shorter than [from, to) (clamped to the
  /// mission's data). Throws UsageError "<where>: derived parameter NAME: ...".
  static Definitions make(const std::vector<Definition>& definitions, const io::Catalog& catalog,
                          TimeNs from = kTimeMin, TimeNs to = kTimeMax, Options options = {});
  Definitions();
  Definitions(Definitions&&) noexcept;
  Definitions& operator=(Definitions&&) noexcept;
  ~Definitions();

  bool contains(std::string_view name) const noexcept;
  /// Names, sorted.
  std::vector<std::string> names() const;
  const Definition& definition(std::string_view name) const;
  /// The stored parameters `name` is finally computed from, sorted.
  std::vector<std::string> stored_inputs(std::string_view name) const;
  /// How long before `from` read() reads the stored inputs of `name`.
  DurationNs margin(std::string_view name) const;
  DurationNs hold() const noexcept;
  DurationNs grid() const noexcept;

  /// Samples of `name` (derived or stored) with time in [from, to).
  io::Series read(const io::Archive& archive, const io::Catalog& catalog, std::string_view name, TimeNs from,
                  TimeNs to) const;

 private:
  struct Entry;
  const Entry& entry(std::string_view name) const;
  io::Series read_derived(const io::Archive& archive, const io::Catalog& catalog, const Entry& e, TimeNs from,
                          TimeNs to) const;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
  Options options_;
};

/// The parameter description of a derived parameter, as the plan and `derive` record it.
io::ParamInfo param_info(const Definition& d);

/// A mission's catalogue and the job's definitions validated against it.
struct MissionDefinitions {
  io::Catalog catalog;
  Definitions definitions;
};
/// One per mission, in the order given (empty definitions when `definitions` is empty).
std::vector<MissionDefinitions> for_missions(const io::Archive& archive, const std::vector<std::string>& missions,
                                             const std::vector<Definition>& definitions, TimeNs from, TimeNs to,
                                             Options options);

}  // namespace telemine::derived
