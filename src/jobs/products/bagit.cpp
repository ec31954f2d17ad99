#include "jobs/products/bagit.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <xxhash.h>
// XXH3 through the library's run-time dispatch (AVX2, AVX-512 where the CPU has them): the plain
// entry points of Debian's libxxhash are its SSE2 build, 0.6x the speed of xxhsum on AVX2.
#if defined(__x86_64__)
#include <xxh_x86dispatch.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "jobs/product.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Sha256 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Sha256() {
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw InternalError("EVP_DigestInit_ex(sha256) failed");
  }
  void update(const char* p, std::size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &n);
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (unsigned int i = 0; i < n; ++i) s += {digits[md[i] >> 4], digits[md[i] & 15]};
    return s;
  }
};

// Reads `file` in 1 MB blocks, handing each to `block`.
template <class Block>
void read_blocks(const fs::path& file, Block&& block) {
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) throw IoError(file.string() + ": cannot open: " + std::strerror(errno));
  std::vector<char> buf(std::size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0) throw IoError(file.string() + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    block(buf.data(), static_cast<std::size_t>(n));
  }
}

std::string sha256_text(std::string_view text) {
  Sha256 h;
  h.update(text.data(), text.size());
  return h.hex();
}

std::string manifest(const std::vector<BagFile>& files) {
  std::string m;
  for (const auto& f : files) m += f.sha256 + "  " + f.path + "\n";
  return m;
}

// `hash  path` lines of a manifest file; problems noted for malformed ones.
std::map<std::string, std::string> read_manifest(const fs::path& file, std::vector<std::string>& problems) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  if (!in) {
    problems.push_back(file.filename().string() + ": missing");
    return out;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const auto sp = line.find(' ');
    if (sp != 64 || line.size() < 67) {
      problems.push_back(file.filename().string() + ":" + std::to_string(n) + ": not 'SHA256  PATH'");
      continue;
    }
    out[line.substr(line.find_first_not_of(' ', sp))] = line.substr(0, 64);
  }
  return out;
}

void check_manifest(const fs::path& bag, const std::map<std::string, std::string>& m, std::vector<std::string>& problems) {
  for (const auto& [path, hash] : m) {
    std::error_code ec;
    if (!fs::is_regular_file(bag / path, ec)) problems.push_back(path + ": listed in a manifest, missing from the bag");
    else if (sha256_file(bag / path) != hash) problems.push_back(path + ": SHA-256 differs from the manifest (damaged)");
  }
}

std::string datasheet(const io::Catalog& c, const fs::path& archive, const std::string& created) {
  std::ostringstream d;
  d << "# Datasheet: mission " << c.mission << "\n\n"
    << "Exported by telemine " << version() << " on " << created << " from the archive at " << archive.string() << ".\n\n"
    << "## Composition\n\n- partitions: " << c.partitions.size() << " (one per " << c.slice / kSecond << " s slice)\n"
    << "- samples: " << c.total_samples() << "\n- parameters: " << c.params.size() << "\n- events: " << c.events.size() << "\n";
  if (!c.partitions.empty())
    d << "- time span: " << format_time(c.partitions.front().start) << " to " << format_time(c.partitions.back().end) << "\n";
  d << "\n## Layout\n\n`" << c.mission << "/catalog.h5` lists parameters, partitions (file, slice, samples, xxh3 checksum) and "
    << "events; each partition `" << c.mission << "/YYYY/MM/*.h5` holds `/params/NAME/time` (int64 ns since 1970 UTC) and "
    << "`/params/NAME/value` (float64, NaN = invalid). Readable with h5dump, h5py or pandas.\n\n"
    << "## Parameters\n\n| name | unit | kind | subsystem | description |\n|---|---|---|---|---|\n";
  for (const auto& p : c.params)
    d << "| " << p.name << " | " << p.unit << " | " << io::to_string(p.kind) << " | " << p.subsystem << " | " << p.description << " |\n";
  std::map<std::string, int> kinds;
  for (const auto& e : c.events) ++kinds[e.kind];
  d << "\n## Events\n\n";
  for (const auto& [k, n] : kinds) d << "- " << k << ": " << n << "\n";
  for (const auto& [k, v] : c.attributes) d << "\n" << k << ": " << v << "\n";
  return d.str();
}

std::string now_text() { return format_time(static_cast<TimeNs>(std::time(nullptr)) * kSecond); }

}  // namespace

std::string add_to_bag(const fs::path& from, const fs::path& bag, const std::string& rel, std::vector<BagFile>& payload) {
  io::make_directories((bag / rel).parent_path());
  auto [sha, xxh] = copy_with_digests(from, bag / rel);
  payload.push_back({rel, sha, static_cast<std::int64_t>(fs::file_size(bag / rel))});
  return xxh;
}

std::string sha256_file(const fs::path& file) {
  Sha256 h;
  read_blocks(file, [&](const char* p, std::size_t n) { h.update(p, n); });
  return h.hex();
}

std::pair<std::string, std::string> copy_with_digests(const fs::path& from, const fs::path& to) {
  Sha256 sha;
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> xxh(XXH3_createState(), &XXH3_freeState);
  XXH3_64bits_reset(xxh.get());
  Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (out.fd < 0) throw IoError(to.string() + ": cannot create: " + std::strerror(errno));
  read_blocks(from, [&](const char* p, std::size_t n) {
    sha.update(p, n);
    XXH3_64bits_update(xxh.get(), p, n);
    for (std::size_t done = 0; done < n;) {
      const ssize_t w = ::write(out.fd, p + done, n - done);
      if (w < 0) throw IoError(to.string() + ": cannot write: " + std::strerror(errno));
      done += static_cast<std::size_t>(w);
    }
  });
  if (::fsync(out.fd) != 0) throw IoError(to.string() + ": fsync failed: " + std::strerror(errno));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(XXH3_64bits_digest(xxh.get())));
  return {sha.hex(), std::string("xxh3-64:") + hex};
}

void write_bag_tags(const fs::path& bag, const std::vector<BagFile>& payload,
                    const std::vector<std::pair<std::string, std::string>>& info) {
  std::int64_t bytes = 0;
  for (const auto& f : payload) bytes += f.bytes;
  const std::string bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
  std::string bag_info;
  for (const auto& [k, v] : info) bag_info += k + ": " + v + "\n";
  bag_info += "Payload-Oxum: " + std::to_string(bytes) + "." + std::to_string(payload.size()) + "\n";
  const std::string m = manifest(payload);
  io::write_file_atomically(bag / "bagit.txt", bagit);
  io::write_file_atomically(bag / "bag-info.txt", bag_info);
  io::write_file_atomically(bag / "manifest-sha256.txt", m);
  io::write_file_atomically(bag / "tagmanifest-sha256.txt",
                            manifest({{"bagit.txt", sha256_text(bagit)}, {"bag-info.txt", sha256_text(bag_info)},
                                      {"manifest-sha256.txt", sha256_text(m)}}));
}

std::vector<std::string> validate_bag(const fs::path& bag) {
  std::vector<std::string> problems;
  std::ifstream declaration(bag / "bagit.txt");
  std::string line;
  if (!declaration || !std::getline(declaration, line) || line.rfind("BagIt-Version: ", 0) != 0)
    return {"bagit.txt: missing or not a BagIt declaration: not a bag"};
  const auto payload = read_manifest(bag / "manifest-sha256.txt", problems);
  check_manifest(bag, payload, problems);
  check_manifest(bag, read_manifest(bag / "tagmanifest-sha256.txt", problems), problems);
  std::int64_t bytes = 0, files = 0;
  std::error_code ec;
  if (fs::is_directory(bag / "data", ec))
    for (const auto& e : fs::recursive_directory_iterator(bag / "data"))
      if (e.is_regular_file()) {
        const std::string rel = e.path().lexically_relative(bag).string();
        if (!payload.count(rel)) problems.push_back(rel + ": in data/, listed in no manifest");
        bytes += static_cast<std::int64_t>(e.file_size());
        ++files;
      }
  std::ifstream info(bag / "bag-info.txt");
  while (std::getline(info, line))
    if (line.rfind("Payload-Oxum: ", 0) == 0 && line.substr(14) != std::to_string(bytes) + "." + std::to_string(files))
      problems.push_back("bag-info.txt: Payload-Oxum " + line.substr(14) + ", the payload holds " + std::to_string(bytes) +
                         "." + std::to_string(files));
  return problems;
}

BagReport export_mission_bag(const fs::path& archive_root, const std::string& mission, const fs::path& output) {
  std::error_code ec;
  if (fs::exists(output, ec)) throw UsageError(output.string() + " already exists: export writes a new folder");
  const auto archive = io::Archive::open(archive_root);
  if (!archive.has_mission(mission)) throw UsageError(archive_root.string() + ": no mission '" + mission + "'");
  const auto catalog = archive.catalog(mission);
  const fs::path tmp = io::temporary_name(output);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{tmp};
  std::vector<BagFile> payload;
  const std::string created = now_text();
  for (const auto& p : catalog.partitions) {
    const std::string got = add_to_bag(archive.partition_path(mission, p), tmp, "data/" + mission + "/" + p.file, payload);
    if (got != p.checksum)
      throw IoError(archive.partition_path(mission, p).string() + ": damaged (checksum " + got + ", catalogue " + p.checksum +
                    "): not exported; see telemine verify --archive");
  }
  add_to_bag(archive.mission_dir(mission) / "catalog.h5", tmp, "data/" + mission + "/catalog.h5", payload);
  io::write_file_atomically(tmp / "data" / "datasheet.md", datasheet(catalog, archive.root(), created));
  payload.push_back({"data/datasheet.md", sha256_file(tmp / "data" / "datasheet.md"),
                     static_cast<std::int64_t>(fs::file_size(tmp / "data" / "datasheet.md"))});
  std::sort(payload.begin(), payload.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  write_bag_tags(tmp, payload,
                 {{"Source-Organization", "telemine archive"}, {"External-Identifier", mission},
                  {"External-Description", "telemetry archive of mission " + mission + ": HDF5 partitions, catalogue, datasheet"},
                  {"Bagging-Date", created.substr(0, 10)}, {"Bag-Software-Agent", std::string("telemine ") + version()}});
  io::rename_durably(tmp, output);
  cleanup.dir.clear();
  BagReport r;
  for (const auto& f : payload) r.bytes += f.bytes, ++r.files;
  return r;
}

std::string import_mission_bag(const fs::path& bag, const fs::path& archive) {
  const auto problems = validate_bag(bag);
  if (!problems.empty()) {
    std::string m = bag.string() + ": not a valid bag, nothing imported:";
    for (const auto& p : problems) m += "\n  " + p;
    throw IoError(m);
  }
  std::vector<std::string> missions;
  for (const auto& e : fs::directory_iterator(bag / "data"))
    if (fs::is_regular_file(e.path() / "catalog.h5")) missions.push_back(e.path().filename().string());
  if (missions.size() != 1) throw IoError(bag.string() + ": expected one mission (data/MISSION/catalog.h5) in the bag");
  const std::string mission = missions[0];
  io::validate_name("mission", mission);
  const fs::path target = archive / mission;
  std::error_code ec;
  if (fs::exists(target, ec)) throw UsageError(target.string() + " already exists: import restores a mission into an archive without it");
  const auto catalog = io::read_catalog(bag / "data" / mission / "catalog.h5");
  io::make_directories(archive);
  const fs::path tmp = io::temporary_name(target);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{tmp};
  for (const auto& p : catalog.partitions) {
    io::make_directories((tmp / p.file).parent_path());
    const auto digests = copy_with_digests(bag / "data" / mission / p.file, tmp / p.file);
    if (digests.second != p.checksum)
      throw IoError((bag / "data" / mission / p.file).string() + ": checksum " + digests.second + ", its catalogue " + p.checksum);
  }
  copy_with_digests(bag / "data" / mission / "catalog.h5", tmp / "catalog.h5");
  io::rename_durably(tmp, target);
  cleanup.dir.clear();
  return mission;
}

}  // namespace telemine::jobs::products
