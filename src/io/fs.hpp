#pragma once
/// \file Durable file operations for atomic writes: temporary names in the target's folder,
/// fsync of files and folders, rename. Internal to the io layer.

#include <filesystem>
#include <optional>
#include <string_view>

namespace telemine::io {

struct Catalog;

/// `.NAME.tmp-<pid>-<counter>` beside `target`: unique per process, hidden, same file system.
std::filesystem::path temporary_name(const std::filesystem::path& target);
/// When `name` (a file name, no folder) is one temporary_name made, the process id in it.
std::optional<long> temporary_owner(std::string_view name);
/// Removes, under `dir` (recursively), every temporary file whose process no longer runs on
/// this host (a writer killed with kill -9). Call only while holding the folder's writer lock,
/// so that no other writer's temporaries can be mistaken for stale. Returns how many it removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir) noexcept;
/// fsync a file; throws IoError naming it (a full disk can surface here).
void fsync_file(const std::filesystem::path& file);
/// rename(from, to), then fsync to's folder so that the rename survives a crash.
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);
/// Removes a file if it exists, never throws (clean-up paths).
void remove_quietly(const std::filesystem::path& file) noexcept;
/// create_directories, with an IoError naming the folder.
void make_directories(const std::filesystem::path& dir);

/// Writes and fsyncs a catalogue to `tmp` without renaming it into place (MissionWriter renames
/// it last, after the partitions).
void write_catalog_unpublished(const std::filesystem::path& tmp, const Catalog& catalog);

}  // namespace telemine::io
