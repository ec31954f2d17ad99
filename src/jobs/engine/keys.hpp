#pragma once
/// \file The one key scheme of results and checkpoints. A key is a checksum of named fields, each
/// written with its length, so that no two different inputs share a key by concatenation
/// ("ab" + "c" against "a" + "bc"). Completion records, the dependency finder's checkpoints,
/// the statistics' per-partition checkpoints and novelty's resumable models are all keyed here;
/// what goes into each key is what its result depends on, and nothing else.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace telemine::jobs {

class Job;
struct Plan;

class ResultKey {
 public:
  /// `scheme` names what is keyed (`job`, `stats-partials`...): keys of two schemes never meet.
  explicit ResultKey(std::string_view scheme);

  ResultKey& add(std::string_view field, std::string_view value);
  template <std::integral T>
  ResultKey& add(std::string_view field, T value) {
    return add(field, std::string_view(std::to_string(value)));
  }
  /// The shortest text that reads back as the same double.
  ResultKey& add(std::string_view field, double value);
  /// Every partition of the plan, by file and checksum: the key changes when an input does.
  ResultKey& add_partitions(const Plan& plan);

  /// `xxh3-64:<16 hex digits>`.
  std::string checksum() const;
  /// `prefix-<16 hex digits>`: a name for checkpoint files.
  std::string stage(std::string_view prefix) const;

 private:
  std::string bytes_;
};

/// Everything a job's product depends on: telemine's version, the kind, the job text, the
/// command-line overrides (less the flags that change nothing: --quiet, --skip-complete,
/// --dry-run), the input partitions and the rank count. Keys completion records, and the
/// checkpoints whose pieces depend on the rank count.
ResultKey job_key(const Job& job, const Plan& plan, int ranks);

}  // namespace telemine::jobs
