#include "jobs/checkpoint.hpp"

#include <fstream>

#include "core/log.hpp"
#include "io/json.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view kMagic = "telemine-checkpoint-1\n";
}

Checkpoints::Checkpoints(const fs::path& output, std::string stage)
    : dir_(output / ".checkpoints"), stage_(std::move(stage)) {}

fs::path Checkpoints::file(const std::string& piece) const {
  std::string name = stage_ + "-" + piece + ".bin";
  for (char& c : name)
    if (c == ':' || c == '/') c = '_';
  return dir_ / name;
}

std::optional<std::string> Checkpoints::load(const io::PartitionInfo& p) const { return load(p.checksum); }

void Checkpoints::save(const io::PartitionInfo& p, const std::string& bytes) const { save(p.checksum, bytes); }

std::optional<std::string> Checkpoints::load(const std::string& piece) const {
  std::ifstream in(file(piece), std::ios::binary);
  if (!in) return std::nullopt;
  const std::string all((std::istreambuf_iterator<char>(in)), {});
  // Layout: magic, checksum of the payload, newline, payload.
  if (all.size() < kMagic.size() || all.compare(0, kMagic.size(), kMagic) != 0) return std::nullopt;
  const auto nl = all.find('\n', kMagic.size());
  if (nl == std::string::npos) return std::nullopt;
  std::string payload = all.substr(nl + 1);
  if (all.compare(kMagic.size(), nl - kMagic.size(), io::bytes_checksum(payload)) != 0) {
    log::warn(file(piece).string() + ": checkpoint does not match its checksum; recomputing");
    return std::nullopt;
  }
  return payload;
}

void Checkpoints::save(const std::string& piece, const std::string& bytes) const {
  try {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    io::write_file_atomically(file(piece), std::string(kMagic) + io::bytes_checksum(bytes) + "\n" + bytes);
  } catch (const std::exception& e) {
    log::warn(std::string("cannot save a checkpoint (the job goes on; a resume would recompute): ") + e.what());
  }
}

void Checkpoints::clear() const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace telemine::jobs
