#include "io/archive.hpp"
#include "io/live.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
// XXH3 through the library's run-time dispatch (AVX2, AVX-512 where the CPU has them): the plain
// entry points of Debian's libxxhash are its SSE2 build, 0.6x the speed of xxhsum on AVX2.
#if defined(__x86_64__)
#include <xxh_x86dispatch.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <cstdio>
#include <numeric>

#include "core/error.hpp"
#include "io/fs.hpp"
#include "io/h5.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

std::string_view to_string(ParamKind kind) noexcept { return kind == ParamKind::state ? "state" : "numeric"; }

ParamKind parse_param_kind(std::string_view text) {
  if (text == "numeric") return ParamKind::numeric;
  if (text == "state") return ParamKind::state;
  throw UsageError("unknown parameter kind '" + std::string(text) + "' (expected numeric or state)");
}

void validate_name(std::string_view what, std::string_view name) {
  auto bad = [&](std::string_view why) {
    throw UsageError("invalid " + std::string(what) + " name '" + excerpt(name) + "': " + std::string(why));
  };
  if (name.empty()) bad("empty");
  if (name.size() > 255) bad("longer than 255 bytes");
  if (name == "." || name == "..") bad("reserved");
  for (unsigned char c : name) {
    if (c == '/') bad("contains '/'");
    if (c < 0x20 || c == 0x7f) bad("contains a control character");
  }
}

std::string partition_file_name(std::string_view mission, TimeNs slice_start, DurationNs slice) {
  const std::int64_t days = floor_div(slice_start, kDay);
  const CivilDate c = civil_from_days(days);
  char buf[96];
  if (slice >= kDay) {
    std::snprintf(buf, sizeof buf, "%04d/%02u/%.*s_%04d-%02u-%02u.h5", c.year, c.month,
                  static_cast<int>(mission.size()), mission.data(), c.year, c.month, c.day);
  } else {  // sub-day slices (high-rate missions): the slice's start time in the name
    const std::int64_t sod = (slice_start - days * kDay) / kSecond;
    std::snprintf(buf, sizeof buf, "%04d/%02u/%.*s_%04d-%02u-%02uT%02lld%02lld%02lld.h5", c.year, c.month,
                  static_cast<int>(mission.size()), mission.data(), c.year, c.month, c.day,
                  static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                  static_cast<long long>(sod % 60));
  }
  return buf;
}

const ParamInfo* Catalog::find_param(std::string_view name) const noexcept {
  auto it = std::lower_bound(params.begin(), params.end(), name,
                             [](const ParamInfo& p, std::string_view n) { return p.name < n; });
  return it != params.end() && it->name == name ? &*it : nullptr;
}

std::vector<const PartitionInfo*> Catalog::overlapping(TimeNs from, TimeNs to) const {
  std::vector<const PartitionInfo*> out;
  for (const auto& p : partitions)
    if (p.start < to && p.end > from) out.push_back(&p);
  return out;
}

std::int64_t Catalog::total_samples() const noexcept {
  std::int64_t n = 0;
  for (const auto& p : partitions) n += p.samples;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Catalogue file: columns in groups, readable with h5dump, h5py and pandas.

namespace {

constexpr std::string_view kCatalogFormat = "telemine-catalog";
constexpr std::string_view kPartitionFormat = "telemine-partition";
constexpr std::int64_t kFormatVersion = 1;

template <class Row, class F>
auto project(const std::vector<Row>& rows, F f) {
  std::vector<std::decay_t<decltype(f(rows.front()))>> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(f(r));
  return out;
}

// A partition's file as the catalogue names it: a relative path that stays inside the mission.
bool inside_mission(std::string_view file) {
  if (file.empty() || file.front() == '/') return false;
  for (const auto& part : fs::path(file))
    if (part == ".." || part == ".") return false;
  return true;
}

void check_same_length(std::size_t n, std::size_t m, const fs::path& file, std::string_view group) {
  if (n != m) throw IoError(file.string() + ": " + std::string(group) + ": columns of different lengths (corrupt catalogue)");
}

}  // namespace

namespace {
// The event columns that ESA-ADB's labels add (id and anomaly_types.csv), optional on reading.
constexpr std::pair<const char*, std::string Event::*> kEventTypeFields[] = {
    {"id", &Event::id},
    {"subclass", &Event::subclass},
    {"category", &Event::category},
    {"dimensionality", &Event::dimensionality},
    {"locality", &Event::locality},
    {"length", &Event::length},
};
}  // namespace

Catalog read_catalog(const fs::path& file) {
  h5::Hid f = h5::open_file(file);
  if (!h5::has_attribute(f, "format") || h5::read_string_attribute(f, "format", file) != kCatalogFormat)
    throw IoError(file.string() + ": not a telemine catalogue (no format attribute 'telemine-catalog')");
  const auto version = h5::read_int_attribute(f, "version", file);
  if (version > kFormatVersion)
    throw IoError(file.string() + ": catalogue format version " + std::to_string(version) +
                  " is newer than this telemine understands (" + std::to_string(kFormatVersion) + ")");
  Catalog c;
  c.mission = h5::read_string_attribute(f, "mission", file);
  c.slice = h5::read_int_attribute(f, "slice_ns", file);
  if (c.slice <= 0 || kDay % c.slice != 0) throw IoError(file.string() + ": slice_ns must divide a day (corrupt catalogue)");
  try {
    validate_name("mission", c.mission);
  } catch (const UsageError& e) {
    throw IoError(file.string() + ": " + e.what() + " (corrupt catalogue)");
  }

  {
    h5::Hid g = h5::open_group(f, "parameters", file);
    auto names = h5::read_strings(g, "name", file);
    auto units = h5::read_strings(g, "unit", file);
    auto descs = h5::read_strings(g, "description", file);
    auto subs = h5::read_strings(g, "subsystem", file);
    auto kinds = h5::read_strings(g, "kind", file);
    for (auto* col : {&units, &descs, &subs, &kinds}) check_same_length(names.size(), col->size(), file, "parameters");
    c.params.resize(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      c.params[i] = {std::move(names[i]), std::move(units[i]), std::move(descs[i]), std::move(subs[i]),
                     kinds[i] == "state" ? ParamKind::state : ParamKind::numeric};
    }
  }
  {
    h5::Hid g = h5::open_group(f, "partitions", file);
    auto files = h5::read_strings(g, "file", file);
    auto sums = h5::read_strings(g, "checksum", file);
    const auto n = static_cast<std::int64_t>(files.size());
    std::vector<std::int64_t> start, end, first, last, samples, bytes;
    for (auto [name, col] : {std::pair{"start", &start}, {"end", &end}, {"first_time", &first},
                             {"last_time", &last}, {"samples", &samples}, {"bytes", &bytes}}) {
      h5::read_column(g, name, 0, n, *col, file);
    }
    check_same_length(files.size(), sums.size(), file, "partitions");
    c.partitions.resize(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      // A damaged row could name a file outside the mission, or a slice whose arithmetic overflows.
      if (!in_time_range(start[i]) || bucket_start(start[i], c.slice) != start[i] || end[i] != start[i] + c.slice ||
          !inside_mission(files[i]))
        throw IoError(file.string() + ": partitions: row " + std::to_string(i) + " ('" + excerpt(files[i]) +
                      "') does not describe a slice of this mission (corrupt catalogue)");
      c.partitions[i] = {std::move(files[i]), start[i], end[i], first[i], last[i], samples[i], bytes[i],
                         std::move(sums[i])};
    }
  }
  {
    h5::Hid g = h5::open_group(f, "events", file);
    auto kinds = h5::read_strings(g, "kind", file);
    auto params = h5::read_strings(g, "param", file);
    auto classes = h5::read_strings(g, "class", file);
    auto texts = h5::read_strings(g, "text", file);
    const auto n = static_cast<std::int64_t>(kinds.size());
    std::vector<std::int64_t> start, end;
    h5::read_column(g, "start", 0, n, start, file);
    h5::read_column(g, "end", 0, n, end, file);
    for (auto* col : {&params, &classes, &texts}) check_same_length(kinds.size(), col->size(), file, "events");
    c.events.resize(kinds.size());
    for (std::size_t i = 0; i < kinds.size(); ++i)
      c.events[i] = {start[i], end[i], std::move(kinds[i]), std::move(params[i]), std::move(classes[i]),
                     std::move(texts[i])};
    // The ESA-ADB fields came later: a catalogue without them reads them as empty.
    for (auto [name, field] : kEventTypeFields) {
      if (!h5::exists(g, name)) continue;
      auto col = h5::read_strings(g, name, file);
      check_same_length(kinds.size(), col.size(), file, "events");
      for (std::size_t i = 0; i < col.size(); ++i) c.events[i].*field = std::move(col[i]);
    }
  }
  if (h5::exists(f, "attributes")) {
    h5::Hid g = h5::open_group(f, "attributes", file);
    for (auto& [k, v] : h5::string_attributes(g, file)) c.attributes[k] = v;
  }
  return c;
}

namespace {

void write_catalog_content(const fs::path& file, const Catalog& c) {
  h5::Hid f = h5::create_file(file);
  h5::write_attribute(f, "format", kCatalogFormat, file);
  h5::write_attribute(f, "version", kFormatVersion, file);
  h5::write_attribute(f, "mission", c.mission, file);
  h5::write_attribute(f, "slice_ns", c.slice, file);
  h5::write_attribute(f, "time_unit", "int64 nanoseconds since 1970-01-01T00:00:00Z (UTC)", file);
  {
    h5::Hid g = h5::create_group(f, "parameters", file);
    h5::write_column(g, "name", project(c.params, [](auto& p) { return p.name; }), file);
    h5::write_column(g, "unit", project(c.params, [](auto& p) { return p.unit; }), file);
    h5::write_column(g, "description", project(c.params, [](auto& p) { return p.description; }), file);
    h5::write_column(g, "subsystem", project(c.params, [](auto& p) { return p.subsystem; }), file);
    h5::write_column(g, "kind", project(c.params, [](auto& p) { return std::string(to_string(p.kind)); }), file);
  }
  {
    h5::Hid g = h5::create_group(f, "partitions", file);
    const auto& ps = c.partitions;
    h5::write_column(g, "file", project(ps, [](auto& p) { return p.file; }), file);
    h5::write_column(g, "start", std::span<const std::int64_t>(project(ps, [](auto& p) { return p.start; })), {}, file);
    h5::write_column(g, "end", std::span<const std::int64_t>(project(ps, [](auto& p) { return p.end; })), {}, file);
    h5::write_column(g, "first_time", std::span<const std::int64_t>(project(ps, [](auto& p) { return p.first_time; })), {}, file);
    h5::write_column(g, "last_time", std::span<const std::int64_t>(project(ps, [](auto& p) { return p.last_time; })), {}, file);
    h5::write_column(g, "samples", std::span<const std::int64_t>(project(ps, [](auto& p) { return p.samples; })), {}, file);
    h5::write_column(g, "bytes", std::span<const std::int64_t>(project(ps, [](auto& p) { return p.bytes; })), {}, file);
    h5::write_column(g, "checksum", project(ps, [](auto& p) { return p.checksum; }), file);
  }
  {
    h5::Hid g = h5::create_group(f, "events", file);
    const auto& es = c.events;
    h5::write_column(g, "start", std::span<const std::int64_t>(project(es, [](auto& e) { return e.start; })), {}, file);
    h5::write_column(g, "end", std::span<const std::int64_t>(project(es, [](auto& e) { return e.end; })), {}, file);
    h5::write_column(g, "kind", project(es, [](auto& e) { return e.kind; }), file);
    h5::write_column(g, "param", project(es, [](auto& e) { return e.param; }), file);
    h5::write_column(g, "class", project(es, [](auto& e) { return e.cls; }), file);
    h5::write_column(g, "text", project(es, [](auto& e) { return e.text; }), file);
    for (const auto& type_field : kEventTypeFields) {
      const auto field = type_field.second;  // a plain variable: clang 14 cannot capture a binding
      h5::write_column(g, type_field.first, project(es, [field](auto& e) { return e.*field; }), file);
    }
  }
  {
    h5::Hid g = h5::create_group(f, "attributes", file);
    for (const auto& [k, v] : c.attributes) h5::write_attribute(g, k, v, file);
  }
  h5::save_file(f, file);
}

}  // namespace

void write_catalog(const fs::path& file, const Catalog& c) {
  const fs::path tmp = temporary_name(file);
  try {
    write_catalog_content(tmp, c);
    fsync_file(tmp);
    rename_durably(tmp, file);
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
}

void write_catalog_unpublished(const fs::path& tmp, const Catalog& c) {
  write_catalog_content(tmp, c);
  fsync_file(tmp);
}

// ---------------------------------------------------------------------------------------------
// Partitions.

void write_partition_file(const fs::path& file, const std::map<std::string, Series, std::less<>>& data,
                          const SampleLayout& layout) {
  const h5::Layout h5_layout{static_cast<hsize_t>(layout.chunk), layout.deflate, layout.shuffle};
  h5::Hid f = h5::create_file(file);
  h5::write_attribute(f, "format", kPartitionFormat, file);
  h5::write_attribute(f, "version", kFormatVersion, file);
  h5::Hid params = h5::create_group(f, "params", file);
  for (const auto& [name, s] : data) {
    if (s.time.size() != s.value.size()) throw InternalError("write_partition_file: time/value sizes differ");
    h5::Hid g = h5::create_group(params, name, file);
    h5::write_column(g, "time", std::span<const std::int64_t>(s.time), h5_layout, file);
    h5::write_column(g, "value", std::span<const double>(s.value), h5_layout, file);
  }
  params.close();
  h5::save_file(f, file);
}

namespace {
std::string format_checksum(std::uint64_t h) {
  char out[32];
  std::snprintf(out, sizeof out, "xxh3-64:%016" PRIx64, h);
  return out;
}
}  // namespace

std::string bytes_checksum(std::string_view bytes) { return format_checksum(XXH3_64bits(bytes.data(), bytes.size())); }

std::string file_checksum(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(file.string() + ": cannot open to checksum: " + std::strerror(errno));
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<char> buf(std::size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      XXH3_freeState(state);
      throw IoError(file.string() + ": cannot read to checksum: " + std::strerror(err));
    }
    if (n == 0) break;
    XXH3_64bits_update(state, buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  const XXH64_hash_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return format_checksum(h);
}

class PartitionReader::Impl {
 public:
  fs::path path;
  h5::Hid file;
  h5::Hid params;
};

PartitionReader::PartitionReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PartitionReader::PartitionReader(PartitionReader&&) noexcept = default;
PartitionReader& PartitionReader::operator=(PartitionReader&&) noexcept = default;
PartitionReader::~PartitionReader() = default;

PartitionReader PartitionReader::open(const fs::path& file) {
  auto impl = std::make_unique<Impl>();
  impl->path = file;
  impl->file = h5::open_file(file);
  if (!h5::has_attribute(impl->file, "format") ||
      h5::read_string_attribute(impl->file, "format", file) != kPartitionFormat)
    throw IoError(file.string() + ": not a telemine partition (no format attribute 'telemine-partition')");
  impl->params = h5::open_group(impl->file, "params", file);
  return PartitionReader(std::move(impl));
}

const fs::path& PartitionReader::path() const noexcept { return impl_->path; }

std::vector<std::string> PartitionReader::params() const { return h5::list_group(impl_->params, impl_->path); }

bool PartitionReader::has(std::string_view param) const { return h5::exists(impl_->params, std::string(param)); }

std::int64_t PartitionReader::count(std::string_view param) const {
  if (!has(param)) return 0;
  h5::Hid g = h5::open_group(impl_->params, std::string(param), impl_->path);
  return h5::column_size(g, "time", impl_->path);
}

void PartitionReader::read(std::string_view param, TimeNs from, TimeNs to, Series& out) const {
  const std::string name(param);
  if (!has(name)) return;
  const fs::path& file = impl_->path;
  h5::Hid g = h5::open_group(impl_->params, name, file);
  const std::int64_t n = h5::column_size(g, "time", file);
  if (h5::column_size(g, "value", file) != n)
    throw IoError(file.string() + ": params/" + name + ": time and value have different lengths");
  if (n == 0) return;
  const std::size_t at = out.time.size();
  h5::read_column_append(g, "time", 0, n, out.time, file);
  auto begin = out.time.begin() + static_cast<std::ptrdiff_t>(at);
  // Whole-partition reads (the common case) need no search and no copy.
  const auto lo = std::lower_bound(begin, out.time.end(), from) - begin;
  const auto hi = std::lower_bound(begin, out.time.end(), to) - begin;
  if (lo > 0) std::copy(begin + lo, begin + hi, begin);
  out.time.resize(at + static_cast<std::size_t>(hi - lo));
  if (hi > lo) h5::read_column_append(g, "value", lo, hi - lo, out.value, file);
}

// ---------------------------------------------------------------------------------------------
// Archive.

Archive Archive::open(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw IoError(root.string() + ": not a telemine archive (no such directory)");
  Archive a(root);
  if (a.missions().empty())
    throw IoError(root.string() + ": not a telemine archive (no MISSION/catalog.h5 inside)");
  return a;
}

std::vector<std::string> Archive::missions() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_, ec))
    if (entry.is_directory() && fs::exists(entry.path() / "catalog.h5")) out.push_back(entry.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

bool Archive::has_mission(std::string_view mission) const {
  return fs::exists(root_ / std::string(mission) / "catalog.h5");
}

fs::path Archive::mission_dir(std::string_view mission) const { return root_ / std::string(mission); }

fs::path Archive::partition_path(std::string_view mission, const PartitionInfo& p) const {
  return mission_dir(mission) / p.file;
}

Catalog Archive::catalog(std::string_view mission) const {
  if (!has_mission(mission)) {
    std::string known;
    for (const auto& m : missions()) known += (known.empty() ? "" : ", ") + m;
    throw UsageError("archive " + root_.string() + " has no mission '" + std::string(mission) +
                     "' (missions: " + (known.empty() ? "none" : known) + ")");
  }
  return read_catalog(mission_dir(mission) / "catalog.h5");
}

Series Archive::read(const Catalog& catalog, std::string_view param, TimeNs from, TimeNs to) const {
  // A mission being streamed into (io/live.hpp): its live segments are read too.
  std::error_code ec;
  if (fs::is_directory(live_dir(mission_dir(catalog.mission)), ec)) return read_with_live(*this, catalog, param, from, to);
  Series out;
  for (const PartitionInfo* p : catalog.overlapping(from, to)) {
    PartitionReader r = PartitionReader::open(partition_path(catalog.mission, *p));
    r.read(param, from, to, out);
  }
  return out;
}

std::int64_t sort_and_dedupe(std::vector<TimeNs>& time, std::vector<double>& value) {
  const std::size_t n = time.size();
  if (std::is_sorted(time.begin(), time.end(), std::less_equal<>())) return 0;  // already strictly increasing
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return time[a] < time[b]; });
  std::vector<TimeNs> t;
  std::vector<double> v;
  t.reserve(n);
  v.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = order[i];
    if (!t.empty() && t.back() == time[k]) {
      v.back() = value[k];  // stable order: the later sample in input order wins
    } else {
      t.push_back(time[k]);
      v.push_back(value[k]);
    }
  }
  const auto dropped = static_cast<std::int64_t>(n - t.size());
  time = std::move(t);
  value = std::move(v);
  return dropped;
}

}  // namespace telemine::io
