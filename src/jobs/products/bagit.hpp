#pragma once
/// \file BagIt packages (RFC 8493): bagit.txt, bag-info.txt, data/ (the payload),
/// manifest-sha256.txt (every payload file) and tagmanifest-sha256.txt (the tag files), SHA-256
/// from OpenSSL's libcrypto. A mission of the archive is exported as a bag (its catalogue,
/// partitions and a datasheet) and imported back into an archive after the bag is validated.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace telemine::jobs::products {

struct BagFile {
  std::string path;  ///< relative to the bag, `data/...`
  std::string sha256;
  std::int64_t bytes = 0;
};

/// SHA-256 of a file, as 64 lowercase hex digits. IoError names the file.
std::string sha256_file(const std::filesystem::path& file);

/// Copies `from` to `to` (fsynced), returning the SHA-256 and the xxh3 checksum (telemine's
/// `xxh3-64:...`) of what was read, in one pass.
std::pair<std::string, std::string> copy_with_digests(const std::filesystem::path& from, const std::filesystem::path& to);

/// Copies `from` into the bag as `rel` (`data/...`), adds it to `payload` and returns its xxh3
/// checksum, so that the caller can check it against the catalogue or the product.
std::string add_to_bag(const std::filesystem::path& from, const std::filesystem::path& bag, const std::string& rel,
                       std::vector<BagFile>& payload);

/// Writes bagit.txt, bag-info.txt (with `info` and the Payload-Oxum), manifest-sha256.txt and
/// tagmanifest-sha256.txt into `bag`, whose data/ already holds `payload`.
void write_bag_tags(const std::filesystem::path& bag, const std::vector<BagFile>& payload,
                    const std::vector<std::pair<std::string, std::string>>& info);

/// Every problem found in `bag` (empty: valid): tag files missing, a manifest line whose file is
/// missing or has another SHA-256, a payload file no manifest lists, a wrong Payload-Oxum.
std::vector<std::string> validate_bag(const std::filesystem::path& bag);

struct BagReport {
  std::int64_t files = 0, bytes = 0;
};

/// A mission as a bag in `output` (which must not exist; written under a temporary name and
/// renamed when complete). Every partition is checked against the catalogue's checksum while it
/// is copied: a damaged one stops the export (IoError naming it).
BagReport export_mission_bag(const std::filesystem::path& archive, const std::string& mission,
                             const std::filesystem::path& output);

/// Validates `bag` and restores its mission into `archive` (which may not hold that mission
/// yet). Returns the mission's name.
std::string import_mission_bag(const std::filesystem::path& bag, const std::filesystem::path& archive);

}  // namespace telemine::jobs::products
