#pragma once
/// \file The job-key registry: every key a job file may set, with its type, default, range and
/// help, and every job kind with its runner. Help text, validation, the typed getters of Job and
/// every list of kinds come from these tables, so that a key's default is written once.
///
/// Adding a job kind: a `KindSpec` table in the kind's folder (`jobs/<kind>/settings.cpp`) and
/// one line in `jobs/engine/registry.cpp`'s list of kinds.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::jobs {

class Job;

enum class KeyType {
  text,      ///< any text
  list,      ///< a comma list
  path,      ///< a file or folder
  integer,   ///< a whole number, in [min, max]
  real,      ///< a number, in [min, max]
  duration,  ///< `250ms`, `1min`, `1d`, in [min, max] nanoseconds
  time,      ///< ISO-8601
  choice,    ///< one of `choices`
};

/// One key of a section (`bucket` of `[stats]`) or a common key (`archive`).
struct KeySpec {
  std::string name;
  KeyType type = KeyType::text;
  std::string fallback;  ///< the default, as a job file would write it; empty: none
  std::optional<double> min, max;  ///< integer, real, duration (nanoseconds)
  std::vector<std::string> choices;  ///< choice
  std::string help;
};

/// A job kind: its name, its section's keys and its runner.
struct KindSpec {
  std::string name;
  std::string summary;
  std::vector<KeySpec> keys;  ///< its section, `[name]`; empty for a kind without one
  int (*run)(const Job& job, const Comm& comm) = nullptr;
  /// It reads the live segments of `telemine stream` too: a range only they hold is not empty.
  bool reads_live = false;
};

/// Every job kind, sorted by name.
const std::vector<const KindSpec*>& kinds();
/// The kind called `name`, or nullptr.
const KindSpec* find_kind(std::string_view name);
/// The kinds' names, `a, b, c`, for messages.
std::string kind_names();

/// The keys every job has (`kind`, `archive`, `mission`, ...).
const std::vector<KeySpec>& common_keys();
/// A section's keys: a kind's, or `slurm`. nullptr for an unknown section.
const std::vector<KeySpec>* section_keys(std::string_view section);
/// Every section name: the kinds' that have keys, then `slurm`.
std::vector<std::string> section_names();
/// The spec of a full key (`stats.bucket`, `archive`), or nullptr.
const KeySpec* find_key(std::string_view key);

/// The help text of every key: common keys, each section, with types, defaults and ranges.
std::string keys_help();
/// The help of one kind's command (`telemine stats --help`): the common keys a job of it uses,
/// then its own section's keys, with defaults and ranges.
std::string kind_help(const KindSpec& kind);

}  // namespace telemine::jobs
