#pragma once
/// \file Collections: a named, described set of products and archive slices (a mission over a
/// time range) across missions. A collection is a folder, COLLECTIONS/NAME/, holding
/// collection.json (what it holds, with every file's checksum) and manifest-xxh3.txt (the same
/// checksums, one `CHECKSUM  PATH` line per file, for any reader); `export` packages it all as
/// a BagIt bag.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine::jobs::products {

class Catalogue;

/// `MISSION` or `MISSION:FROM/TO` (ISO-8601 times, TO exclusive).
struct SliceSpec {
  std::string mission;
  TimeNs from = kTimeMin, to = kTimeMax;
};
/// Throws UsageError naming the text when it does not parse.
SliceSpec parse_slice(const std::string& text);

struct CollectionChange {
  std::filesystem::path dir;  ///< COLLECTIONS
  std::string name;
  std::string description;          ///< create: required; add: appended when given
  std::vector<std::string> products;  ///< ids or folders, resolved through the catalogue
  std::vector<std::string> slices;    ///< SliceSpec texts
  std::filesystem::path archive;      ///< where slices come from
};

/// Creates COLLECTIONS/NAME (UsageError when it exists or NAME is not a valid name).
void create_collection(const CollectionChange& c, Catalogue& catalogue);
/// Adds products and slices to an existing collection (rewritten atomically).
void add_to_collection(const CollectionChange& c, Catalogue& catalogue);
void list_collections(const std::filesystem::path& dir, std::FILE* out);
void show_collection(const std::filesystem::path& dir, const std::string& name, std::FILE* out);
/// COLLECTIONS/NAME as a BagIt bag in `output`: data/collection.json, data/products/ID/...,
/// data/archive/MISSION/catalog.h5 and the slices' partitions. Every file is checked against
/// its recorded checksum while it is copied (IoError naming a damaged one).
void export_collection(const std::filesystem::path& dir, const std::string& name, const std::filesystem::path& output,
                       std::FILE* out);

}  // namespace telemine::jobs::products
