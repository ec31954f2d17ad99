#pragma once
/// \file Job files and job options. A job is declared in an INI file read with
/// Boost.Program_options, or entirely on the command line; the same option names work in both
/// (`[stats] bucket = 1h` in the file is `--stats.bucket=1h` on the command line), and the command
/// line wins. Validation happens before any rank does work: every error names the file, line
/// and key.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "derived/definition.hpp"

namespace telemine::jobs {

enum class OnError { fail, skip };

/// What every job kind has in common.
struct JobCommon {
  std::string kind;
  std::filesystem::path archive;
  std::vector<std::string> missions;  ///< one or more; `*` = every mission (campaign: optional)
  std::vector<std::string> params;    ///< names and glob patterns; empty = every parameter
  TimeNs from = kTimeMin;
  TimeNs to = kTimeMax;
  std::filesystem::path output;
  OnError on_error = OnError::fail;
  bool verify = true;  ///< check each partition's checksum from the catalogue as it is read
  std::vector<std::string> jobs;  ///< campaign: job files, relative to the campaign file
};

/// A parsed and validated job: common keys, the kind's own section, and where they came from.
class Job {
 public:
  /// Parses `file` (may be empty: command line only) and `args` (the command line after the
  /// job file; `--key=value`, `--key value`, `--section.key=value`). `kind_hint` is the kind when
  /// the job was started as a command (`telemine stats ...`): its section's keys may then be given
  /// without the section prefix (`--bucket 1h`). Throws JobError naming the file, line and key.
  static Job parse(const std::filesystem::path& file, const std::vector<std::string>& args,
                   const std::string& kind_hint = "");

  const JobCommon& common() const noexcept { return common_; }
  /// The job file's text, verbatim (empty for a command-line job), for product.json.
  const std::string& text() const noexcept { return text_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  /// The command the job came from (`stats` for `telemine stats ...`), or empty for a job file.
  const std::string& command() const noexcept { return command_; }
  /// The command-line overrides, as given.
  const std::vector<std::string>& overrides() const noexcept { return args_; }
  bool dry_run() const noexcept { return dry_run_; }
  bool progress() const noexcept { return progress_; }
  /// Campaign: only write the summary of tasks already run (`--summary`).
  bool summary_only() const noexcept { return summary_only_; }
  /// `--skip-complete`: do nothing when the output folder already holds this job's complete,
  /// verified outputs (campaign tasks run again after an interruption).
  bool skip_complete() const noexcept { return skip_complete_; }

  /// A kind's key (`stats.bucket`) as text, or nullopt when not given.
  std::optional<std::string> get(const std::string& key) const;
  /// True when the key was given (in the file or on the command line).
  bool has(const std::string& key) const { return values_.count(key) > 0; }

  /// Typed getters: the value given, or the registry's default (jobs/engine/registry.hpp),
  /// checked against the key's type and range; a JobError names where the value came from.
  /// get_int, get_double and get_enum throw InternalError for a key without a default that was
  /// not given (callers check has() first).
  std::int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  /// A choice key's value, one of the registry's choices.
  std::string get_enum(const std::string& key) const;
  /// A duration key, or nullopt when neither given nor defaulted.
  std::optional<DurationNs> get_duration(const std::string& key) const;
  /// A time key (ISO-8601), or nullopt when neither given nor defaulted.
  std::optional<TimeNs> get_time(const std::string& key) const;
  /// Where a key was set: `FILE:LINE` or `command line`.
  std::string where(const std::string& key) const;
  /// Throws JobError "<where>: key '<key>': <message>".
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  /// The `[derived]` section's `NAME = EXPR` lines in file order, then `--derived.NAME=EXPR`
  /// from the command line (`derived.grid` and `derived.hold` are ordinary keys). Unvalidated:
  /// the expressions are checked against each mission's parameters when the job is planned.
  const std::vector<derived::Definition>& derived() const noexcept { return derived_; }
  /// `derived.grid` and `derived.hold`, typed (0 when not given).
  derived::Options derived_options() const;

  /// Every option this telemine knows, for `--help`: common, each kind's section, [slurm], from
  /// the registry.
  static std::string help();

 private:
  JobCommon common_;
  std::filesystem::path file_;
  std::string text_;
  std::vector<std::string> args_;
  std::string command_;
  std::map<std::string, std::string> values_;  // every key given, merged (command line wins)
  std::map<std::string, std::string> origin_;  // key -> FILE:LINE or "command line"
  std::vector<derived::Definition> derived_;
  bool dry_run_ = false;
  bool progress_ = true;
  bool summary_only_ = false;
  bool skip_complete_ = false;
};

/// A comma list as job files write it: items trimmed, empty ones dropped.
std::vector<std::string> split_comma_list(const std::string& text);

/// The range around an event or a time, as an engineer asks it (`--around E --window 2h`):
/// `around` is an ISO-8601 time, or the id of an event of `missions` (`*` or empty: every
/// mission) in the archive (`event_N` for the N-th event of a mission's catalogue without one); the range is [start - window, end + window). Throws UsageError for
/// anything else, with the nearest event ids.
std::pair<TimeNs, TimeNs> around_range(const std::filesystem::path& archive, const std::vector<std::string>& missions,
                                       const std::string& around, DurationNs window);

/// True when `name` matches the glob `pattern` (`*`, `?`, `[...]`).
bool glob_match(const std::string& pattern, const std::string& name);

}  // namespace telemine::jobs
