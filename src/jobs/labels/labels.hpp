#pragma once
/// \file `telemine labels`: review and curate a mission's events (anomaly labels, rare nominal
/// events, gaps, commands) with ESA-ADB's identity and type fields. Every write goes through
/// io::write_catalog (temporary name, fsync, rename), after the whole input was checked: a bad
/// row is refused with its line number and the catalogue is left as it was.
///
/// The CSV of `import` and `export`:
///   id,param,start,end,kind,class,subclass,category,dimensionality,locality,length,text
/// One id may have several rows (one anomaly touching several parameters); its rows must agree
/// on every type field.

#include <cstdio>
#include <string>
#include <vector>

#include "io/archive.hpp"

namespace telemine::jobs::labels {

/// The CSV header of import and export.
inline constexpr const char* kCsvHeader = "id,param,start,end,kind,class,subclass,category,dimensionality,locality,length,text";

struct Filter {
  std::string param, kind, cls, category, id;
  TimeNs from = kTimeMin, to = kTimeMax;  ///< events overlapping [from, to)
  bool matches(const io::Event& e) const;
};

/// Events of `catalog` as the CSV above (header included), sorted as the catalogue is.
std::string to_csv(const std::vector<io::Event>& events);

/// Parses the CSV above. Throws UsageError `FILE:LINE: ...` for a bad row: wrong column count,
/// bad time, end before start, a parameter not in `catalog`, an id whose rows disagree on
/// their types (with each other or with the catalogue's events of that id).
std::vector<io::Event> parse_csv(const std::string& text, const std::string& file, const io::Catalog& catalog);

/// The ESA-ADB category of a kind (`anomaly` -> `Anomaly`, `rare-nominal` -> `Rare Event`,
/// `gap` -> `Communication Gap`), and back; empty when there is none.
std::string category_of_kind(const std::string& kind);
std::string kind_of_category(const std::string& category);

/// An id not used by any event of `catalog`: `id_<n>` with the smallest free n above the others.
std::string next_id(const io::Catalog& catalog);

/// Checks `add` against `catalog` (parameter, times, types of an existing id): UsageError naming
/// the option.
void check_event(const io::Event& e, const io::Catalog& catalog, const std::string& where);

enum class Action { list, add, import, export_, remove };

struct Options {
  Action action = Action::list;
  std::string archive, mission;
  Filter filter;
  std::string format = "table";  ///< list: table or csv
  io::Event event;               ///< add
  std::string input;             ///< import: the CSV
  bool replace = false;          ///< import: drop the mission's labelled events first
  std::string output;            ///< export: the CSV (`-` for standard output)
};

/// Runs one action on rank 0's behalf. Returns the exit status.
int run(const Options& options, std::FILE* out);

}  // namespace telemine::jobs::labels
