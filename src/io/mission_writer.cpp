// MissionWriter; the protocol is described in io/mission_writer.hpp.
#include "io/mission_writer.hpp"

#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/serialize.hpp"
#include "io/archive.hpp"
#include "io/fs.hpp"
#include "io/records.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

namespace {

struct PendingSlice {
  fs::path tmp;    // empty when the content is unchanged
  fs::path final;
  PartitionInfo info;
  std::int64_t replaced = 0;
};

bool event_less(const Event& a, const Event& b) {
  return std::tie(a.start, a.end, a.param, a.kind, a.cls, a.text, a.id) <
         std::tie(b.start, b.end, b.param, b.kind, b.cls, b.text, b.id);
}

// Merges new samples into old ones: the new sample wins at an equal time.
std::int64_t merge_into(Series& old, const Series& add) {
  Series out;
  out.reserve(old.size() + add.size());
  std::size_t i = 0, j = 0;
  std::int64_t replaced = 0;
  while (i < old.size() || j < add.size()) {
    if (j == add.size() || (i < old.size() && old.time[i] < add.time[j])) {
      out.time.push_back(old.time[i]);
      out.value.push_back(old.value[i++]);
    } else {
      if (i < old.size() && old.time[i] == add.time[j]) {
        ++i;
        ++replaced;
      }
      out.time.push_back(add.time[j]);
      out.value.push_back(add.value[j++]);
    }
  }
  old = std::move(out);
  return replaced;
}

// An advisory lock on MISSION/.lock held by rank 0 from open() to the end of commit(), so that
// two ingests into one mission cannot interleave their catalogue updates.
class MissionLock {
 public:
  MissionLock() = default;
  explicit MissionLock(const fs::path& file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(file.string() + ": cannot create lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
      throw IoError(file.parent_path().string() +
                    ": another telemine process is writing this mission (lock held on " + file.string() + ")");
    }
  }
  MissionLock(MissionLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  MissionLock& operator=(MissionLock&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~MissionLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool held() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Removes a mission folder that has no catalogue (a first ingest that failed): its lock, any
// temporary (every rank has stopped writing once the failure was agreed) and the empty
// year/month folders. Keeps the folder when anything else is in it. Never throws.
void remove_unborn_mission(const fs::path& dir) noexcept {
  std::error_code ec;
  if (fs::exists(dir / "catalog.h5", ec)) return;
  std::vector<fs::path> files, folders;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const bool folder = it->is_directory(ec);
    const std::string name = it->path().filename();
    if (folder) folders.push_back(it->path());
    else if (name == ".lock" || temporary_owner(name)) files.push_back(it->path());
    else return;  // something that is not ours
  }
  if (ec) return;
  for (const auto& f : files) fs::remove(f, ec);
  std::sort(folders.rbegin(), folders.rend());  // children before their parents
  for (const auto& f : folders) fs::remove(f, ec);
  fs::remove(dir, ec);
}

}  // namespace

class MissionWriter::Impl {
 public:
  const Comm* comm = nullptr;
  fs::path archive;
  fs::path dir;
  std::string mission;
  Catalog existing;
  bool is_new = true;
  MissionLock lock;
  std::vector<ParamInfo> declared;
  std::vector<Event> events;
  std::map<std::string, std::string> attributes;
  std::vector<PendingSlice> pending;
  fs::path catalog_tmp;
  bool committed = false;

  ~Impl() {
    if (committed) return;
    for (const auto& p : pending)
      if (!p.tmp.empty()) remove_quietly(p.tmp);
    if (!catalog_tmp.empty()) remove_quietly(catalog_tmp);
    // A failed first ingest leaves no mission behind: not even its folder and lock.
    if (is_new && comm != nullptr && comm->is_root() && lock.held()) remove_unborn_mission(dir);
  }
};

MissionWriter::MissionWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MissionWriter::MissionWriter(MissionWriter&&) noexcept = default;
MissionWriter& MissionWriter::operator=(MissionWriter&&) noexcept = default;
MissionWriter::~MissionWriter() = default;

DurationNs MissionWriter::slice() const noexcept { return impl_->existing.slice; }
const Catalog& MissionWriter::existing() const noexcept { return impl_->existing; }

MissionWriter MissionWriter::open(const fs::path& archive, std::string mission, const Comm& comm,
                                  Options options) {
  validate_name("mission", mission);
  if (options.slice <= 0 || kDay % options.slice != 0)
    throw UsageError("slice " + format_duration(options.slice) + " must divide a day (1d, 1h, 30min, ...)");
  auto impl = std::make_unique<Impl>();
  impl->comm = &comm;
  impl->archive = archive;
  impl->dir = archive / mission;
  impl->mission = mission;
  comm.run_phase([&] {
    if (comm.is_root()) {
      make_directories(impl->dir);
      impl->lock = MissionLock(impl->dir / ".lock");
      // Holding the lock, no other writer is at work here: temporaries of dead processes
      // (a writer killed with kill -9) are garbage.
      remove_stale_temporaries(impl->dir);
    }
  });
  comm.run_phase([&] {
    const fs::path cat = impl->dir / "catalog.h5";
    if (fs::exists(cat)) {
      impl->existing = read_catalog(cat);
      impl->is_new = false;
      if (impl->existing.mission != mission)
        throw IoError(cat.string() + ": catalogue is for mission '" + impl->existing.mission + "', not '" + mission + "'");
    } else {
      impl->existing.mission = mission;
      impl->existing.slice = options.slice;
    }
  });
  return MissionWriter(std::move(impl));
}

void MissionWriter::declare(ParamInfo param) {
  validate_name("parameter", param.name);
  impl_->declared.push_back(std::move(param));
}

void MissionWriter::add_event(Event event) {
  if (event.end < event.start)
    throw UsageError("event '" + event.kind + "' on '" + event.param + "' ends before it starts");
  impl_->events.push_back(std::move(event));
}

void MissionWriter::set_attribute(std::string key, std::string value) {
  impl_->attributes[std::move(key)] = std::move(value);
}

void MissionWriter::write_slice(TimeNs slice_start, std::map<std::string, Series, std::less<>> data) {
  Impl& m = *impl_;
  const DurationNs slice = m.existing.slice;
  if (bucket_start(slice_start, slice) != slice_start)
    throw InternalError("write_slice: " + format_time(slice_start) + " is not aligned to the slice");
  const TimeNs slice_end = slice_start + slice;
  for (const auto& [name, s] : data) {
    validate_name("parameter", name);
    if (s.time.size() != s.value.size()) throw InternalError("write_slice: time/value sizes differ");
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s.time[i] < slice_start || s.time[i] >= slice_end)
        throw InternalError("write_slice: sample of " + name + " at " + format_time(s.time[i]) + " outside the slice");
      if (i > 0 && s.time[i] <= s.time[i - 1])
        throw InternalError("write_slice: samples of " + name + " not strictly increasing");
    }
  }

  PendingSlice p;
  p.info.file = partition_file_name(m.mission, slice_start, slice);
  p.final = m.dir / p.info.file;
  p.info.start = slice_start;
  p.info.end = slice_end;
  const auto old = std::find_if(m.existing.partitions.begin(), m.existing.partitions.end(),
                                [&](const PartitionInfo& q) { return q.start == slice_start; });
  if (old != m.existing.partitions.end()) {
    // Merge with what the archive already has: parameters not in `data` are kept as they are.
    PartitionReader r = PartitionReader::open(m.dir / old->file);
    for (const auto& name : r.params()) {
      Series s;
      r.read(name, s);
      auto it = data.find(name);
      if (it == data.end()) {
        data.emplace(name, std::move(s));
      } else {
        p.replaced += merge_into(s, it->second);
        it->second = std::move(s);
      }
    }
  }
  std::erase_if(data, [](const auto& kv) { return kv.second.size() == 0; });

  p.info.first_time = kTimeMax;
  p.info.last_time = kTimeMin;
  for (const auto& [name, s] : data) {
    if (s.size() == 0) continue;
    p.info.samples += static_cast<std::int64_t>(s.size());
    p.info.first_time = std::min(p.info.first_time, s.time.front());
    p.info.last_time = std::max(p.info.last_time, s.time.back());
  }
  if (p.info.samples == 0) p.info.first_time = p.info.last_time = slice_start;

  make_directories(p.final.parent_path());
  p.tmp = temporary_name(p.final);
  try {
    write_partition_file(p.tmp, data);
    fsync_file(p.tmp);
    p.info.checksum = file_checksum(p.tmp);
    p.info.bytes = static_cast<std::int64_t>(fs::file_size(p.tmp));
  } catch (...) {
    remove_quietly(p.tmp);
    throw;
  }
  if (old != m.existing.partitions.end() && old->checksum == p.info.checksum && fs::exists(p.final)) {
    remove_quietly(p.tmp);  // identical content: leave the archive's file untouched
    p.tmp.clear();
  }
  m.pending.push_back(std::move(p));
}

WriteReport MissionWriter::commit() {
  Impl& m = *impl_;
  const Comm& comm = *m.comm;

  // Each rank's new partitions, declarations and events to rank 0.
  ByteWriter w;
  w.put<std::uint64_t>(m.pending.size());
  for (const auto& p : m.pending) put_partition(w, p.info);
  w.put<std::uint64_t>(m.declared.size());
  for (const auto& p : m.declared) put_param(w, p);
  w.put<std::uint64_t>(m.events.size());
  for (const auto& e : m.events) put_event(w, e);
  const auto gathered = comm.gather_bytes(w.take());

  bool changed = false;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    Catalog c = m.existing;
    std::map<std::string, ParamInfo, std::less<>> params;
    for (auto& p : c.params) params[p.name] = p;
    std::map<TimeNs, PartitionInfo> parts;
    for (auto& p : c.partitions) parts[p.start] = p;
    std::set<TimeNs> seen;
    std::set<std::string> declared_now;
    for (const auto& bytes : gathered) {  // rank order: the lowest rank's declaration wins
      ByteReader r(bytes);
      for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
        PartitionInfo p = get_partition(r);
        if (!seen.insert(p.start).second)
          throw InternalError("slice " + format_time(p.start) + " written by two ranks");
        parts[p.start] = std::move(p);
      }
      for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
        ParamInfo p = get_param(r);
        if (declared_now.insert(p.name).second) params[p.name] = std::move(p);
      }
      for (auto n = r.get<std::uint64_t>(); n > 0; --n) c.events.push_back(get_event(r));
    }
    c.params.clear();
    for (auto& [name, p] : params) c.params.push_back(std::move(p));
    c.partitions.clear();
    for (auto& [start, p] : parts) c.partitions.push_back(std::move(p));
    std::sort(c.events.begin(), c.events.end(), event_less);
    c.events.erase(std::unique(c.events.begin(), c.events.end()), c.events.end());
    for (const auto& [k, v] : m.attributes) c.attributes[k] = v;
    if (c.attributes.find("time_note") == c.attributes.end())
      c.attributes["time_note"] = "times are int64 nanoseconds since 1970-01-01T00:00:00Z (UTC)";

    const bool same = !m.is_new && c.params == m.existing.params && c.partitions == m.existing.partitions &&
                      c.events == m.existing.events && c.attributes == m.existing.attributes;
    if (!same) {
      m.catalog_tmp = temporary_name(m.dir / "catalog.h5");
      write_catalog_unpublished(m.catalog_tmp, c);
      changed = true;
    }
  });

  comm.run_phase([&] {
    for (auto& p : m.pending)
      if (!p.tmp.empty()) {
        rename_durably(p.tmp, p.final);
        p.tmp.clear();
      }
  });
  comm.run_phase([&] {
    if (comm.is_root() && changed) {
      rename_durably(m.catalog_tmp, m.dir / "catalog.h5");
      m.catalog_tmp.clear();
    }
  });
  m.committed = true;

  std::int64_t counts[4] = {0, 0, 0, 0};
  for (const auto& p : m.pending) {
    // A partition is unchanged when its temporary was dropped as identical before the renames.
    const bool unchanged = std::any_of(m.existing.partitions.begin(), m.existing.partitions.end(),
                                       [&](const PartitionInfo& q) { return q == p.info; });
    counts[unchanged ? 1 : 0] += 1;
    counts[2] += unchanged ? 0 : p.info.samples;
    counts[3] += p.replaced;
  }
  comm.allreduce(std::span<std::int64_t>(counts, 4), ReduceOp::sum);
  return WriteReport{counts[0], counts[1], counts[2], counts[3]};
}

}  // namespace telemine::io
