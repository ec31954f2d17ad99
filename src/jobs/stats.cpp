// The stats job. Each rank reads its run of partitions and computes per-partition partial
// bucket states with the kernel, folding them left in time order. A bucket may straddle
// partitions and ranks: each rank keeps the partials of its first bucket per parameter unmerged,
// and the rank that holds the bucket's beginning folds the later ranks' partials onto its own,
// in time order, so that every bucket is the same left fold over partitions at any rank count.
#include "jobs/stats.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/serialize.hpp"
#include "derived/derived.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/json.hpp"
#include "io/table.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "kernels/stats.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;
using kernels::BucketStats;

namespace {

// One parameter's buckets on this rank: the partials of its first bucket, unmerged, then the
// folded buckets after it.
struct ParamBuckets {
  std::vector<BucketStats> head;
  std::vector<BucketStats> rows;

  void add(const std::vector<BucketStats>& partials) {
    for (const auto& b : partials) {
      if (rows.empty() && (head.empty() || head.front().start == b.start)) {
        head.push_back(b);
      } else if (!rows.empty() && rows.back().start == b.start) {
        kernels::merge(rows.back(), b);
      } else {
        rows.push_back(b);
      }
    }
  }
  bool empty() const noexcept { return head.empty(); }
  TimeNs first_start() const noexcept { return head.front().start; }
  TimeNs last_start() const noexcept { return rows.empty() ? head.front().start : rows.back().start; }
};

BucketStats fold(const std::vector<BucketStats>& parts) {
  BucketStats acc = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) kernels::merge(acc, parts[i]);
  return acc;
}

// Resolves straddling first buckets across ranks. Returns this rank's final rows per parameter.
std::vector<std::vector<BucketStats>> settle_boundaries(std::vector<ParamBuckets>& acc, const Comm& comm) {
  ByteWriter w;
  for (const auto& a : acc) {
    w.put<std::uint8_t>(a.empty() ? 0 : 1);
    if (a.empty()) continue;
    w.put<std::int64_t>(a.last_start());
    w.put(a.head);
  }
  const auto all = comm.allgather_bytes(w.take());
  struct Edge {
    bool has = false;
    TimeNs last = 0;
    std::vector<BucketStats> head;
  };
  const int ranks = comm.size(), me = comm.rank();
  std::vector<std::vector<Edge>> edges(static_cast<std::size_t>(ranks), std::vector<Edge>(acc.size()));
  for (int r = 0; r < ranks; ++r) {
    ByteReader rd(all[r]);
    for (auto& e : edges[r]) {
      e.has = rd.get<std::uint8_t>() != 0;
      if (!e.has) continue;
      e.last = rd.get<std::int64_t>();
      e.head = rd.get_vector<BucketStats>();
    }
  }

  std::vector<std::vector<BucketStats>> out(acc.size());
  for (std::size_t p = 0; p < acc.size(); ++p) {
    ParamBuckets& a = acc[p];
    if (a.empty()) continue;
    // My first bucket belongs to an earlier rank when the nearest earlier rank with data for this
    // parameter ends in the same bucket.
    bool owned_elsewhere = false;
    for (int r = me - 1; r >= 0; --r) {
      if (!edges[r][p].has) continue;
      owned_elsewhere = edges[r][p].last == a.first_start();
      break;
    }
    std::vector<BucketStats>& rows = out[p];
    if (!owned_elsewhere) rows.push_back(fold(a.head));
    rows.insert(rows.end(), a.rows.begin(), a.rows.end());
    if (owned_elsewhere && rows.empty()) continue;
    // Fold in later ranks whose first bucket continues my last one, in rank (= time) order.
    BucketStats& last = rows.back();
    for (int r = me + 1; r < ranks; ++r) {
      const Edge& e = edges[r][p];
      if (!e.has) continue;
      if (e.head.front().start != last.start) break;
      for (const auto& part : e.head) kernels::merge(last, part);
      if (e.last != last.start) break;  // that rank goes on past this bucket
    }
  }
  return out;
}

}  // namespace

int run_stats(const Job& job, const Comm& comm) {
  const auto bucket_opt = job.get_duration("stats.bucket");
  if (!bucket_opt) throw JobError(job.where("stats.bucket") + ": missing key 'stats.bucket' ([stats] bucket = 1h)");
  const DurationNs bucket = *bucket_opt;

  const Plan plan = plan_collectively(job, comm);
  if (job.dry_run()) {
    if (comm.is_root()) std::fputs(plan.describe().c_str(), stdout);
    return 0;
  }
  Product product(job, plan, comm);
  product.phase("plan");

  // One accumulator per (mission, parameter), in plan order.
  std::vector<std::size_t> first_param;
  std::size_t n_params = 0;
  for (const auto& m : plan.missions) {
    first_param.push_back(n_params);
    n_params += m.params.size();
  }
  std::vector<ParamBuckets> acc(n_params);
  std::vector<SkippedPartition> skipped;
  std::int64_t samples = 0, resumed = 0;

  // Checkpoints are keyed by everything a partition's partial results depend on.
  std::string key = format_duration(bucket) + "|" + std::to_string(plan.from) + "|" + std::to_string(plan.to);
  for (const auto& m : plan.missions) {
    key += "|" + m.name;
    for (const auto& p : m.params) key += "," + p.name;
  }
  for (const auto& d : job.derived()) key += "|" + d.name + "=" + d.expression;
  const Checkpoints checkpoints(job.common().output, "stats-" + io::bytes_checksum(key).substr(8));
  // Fault injection for the requeue tests: a pause after each partition, so that a job can be
  // killed part-way reliably.
  const char* delay_env = std::getenv("TELEMINE_TEST_PARTITION_DELAY_MS");
  const auto delay = std::chrono::milliseconds(delay_env ? std::atoi(delay_env) : 0);

  comm.run_phase([&] {
    const auto b = plan.rank_begin[comm.rank()], e = plan.rank_begin[comm.rank() + 1];
    Progress progress(comm, "stats", e - b, "partitions", job.progress());
    const io::Archive archive = io::Archive::open(job.common().archive);
    std::vector<std::string> mission_names;
    for (const auto& m : plan.missions) mission_names.push_back(m.name);
    const auto derived = derived::for_missions(archive, mission_names, job.derived(), plan.from, plan.to,
                                               job.derived_options());
    io::Series series;
    std::vector<std::vector<BucketStats>> partials;
    for (auto i = b; i < e; ++i) {
      const PlannedPartition& part = plan.partitions[i];
      const PlannedMission& mission = plan.missions[part.mission];
      partials.assign(mission.params.size(), {});
      std::int64_t read = 0;
      if (const auto saved = checkpoints.load(part.info)) {
        ByteReader rd(*saved);
        read = rd.get<std::int64_t>();
        for (auto& p : partials) p = rd.get_vector<BucketStats>();
        for (std::size_t k = 0; k < mission.params.size(); ++k) acc[first_param[part.mission] + k].add(partials[k]);
        samples += read;
        ++resumed;
        progress.update(i - b + 1);
        continue;
      }
      try {
        const io::PartitionReader reader = io::PartitionReader::open(archive.partition_path(mission.name, part.info));
        for (std::size_t k = 0; k < mission.params.size(); ++k) {
          series.time.clear();
          series.value.clear();
          const auto& md = derived[part.mission];
          if (md.definitions.contains(mission.params[k].name))
            series = md.definitions.read(archive, md.catalog, mission.params[k].name, std::max(plan.from, part.info.start),
                                         std::min(plan.to, part.info.end));
          else
            reader.read(mission.params[k].name, plan.from, plan.to, series);
          kernels::bucket_stats(series.time, series.value, bucket, partials[k]);
          read += static_cast<std::int64_t>(series.size());
        }
      } catch (const IoError& err) {
        if (job.common().on_error == OnError::fail) throw;
        skipped.push_back({mission.name, part.info.file, err.what()});
        continue;  // nothing of this partition was added
      }
      for (std::size_t k = 0; k < mission.params.size(); ++k) acc[first_param[part.mission] + k].add(partials[k]);
      samples += read;
      ByteWriter cw;
      cw.put(read);
      for (const auto& p : partials) cw.put(p);
      checkpoints.save(part.info, cw.take());
      progress.update(i - b + 1);
      if (delay.count() > 0) std::this_thread::sleep_for(delay);
    }
    progress.finish();
  });
  product.phase("compute");

  const auto rows = settle_boundaries(acc, comm);
  acc.clear();
  product.phase("reduce");

  // Row counts of every rank, for the layout of the collective write and for the CSV order.
  const int ranks = comm.size();
  std::vector<std::int64_t> counts(n_params * static_cast<std::size_t>(ranks), 0);
  for (std::size_t p = 0; p < n_params; ++p) counts[p * ranks + comm.rank()] = static_cast<std::int64_t>(rows[p].size());
  comm.allreduce(std::span<std::int64_t>(counts), ReduceOp::sum);
  io::TableLayout layout;
  std::int64_t offset = 0;
  for (std::size_t p = 0; p < n_params; ++p)
    for (int r = 0; r < ranks; ++r) {
      const auto c = counts[p * ranks + r];
      if (r == comm.rank() && c > 0) layout.runs.emplace_back(offset, c);
      offset += c;
    }
  layout.total_rows = offset;

  // Columns of this rank's rows, in (mission, parameter, bucket) order.
  std::vector<std::int64_t> col_mission, col_param, col_start, col_count, col_nan;
  std::vector<double> col_min, col_max, col_mean, col_std, col_first, col_last;
  std::vector<std::string> param_names;
  for (std::size_t m = 0; m < plan.missions.size(); ++m)
    for (std::size_t k = 0; k < plan.missions[m].params.size(); ++k) {
      const std::size_t p = first_param[m] + k;
      param_names.push_back(plan.missions[m].params[k].name);
      for (const auto& b : rows[p]) {
        col_mission.push_back(static_cast<std::int64_t>(m));
        col_param.push_back(static_cast<std::int64_t>(p));
        col_start.push_back(b.start);
        col_count.push_back(b.count);
        col_nan.push_back(b.nan_count);
        col_min.push_back(kernels::min_of(b));
        col_max.push_back(kernels::max_of(b));
        col_mean.push_back(kernels::mean_of(b));
        col_std.push_back(kernels::sample_std(b));
        col_first.push_back(b.first);
        col_last.push_back(b.last);
      }
    }
  std::vector<std::string> mission_names;
  for (const auto& m : plan.missions) mission_names.push_back(m.name);
  using I = std::span<const std::int64_t>;
  using D = std::span<const double>;
  const auto io_report = io::write_table(
      product.staging("stats.h5"), comm, "stats", layout,
      {{"mission", I(col_mission), "index into /missions"},
       {"param", I(col_param), "index into /params"},
       {"bucket_start", I(col_start), "bucket start, int64 ns since 1970-01-01T00:00:00Z (UTC)"},
       {"count", I(col_count), "valid samples"},
       {"nan_count", I(col_nan), "invalid (NaN) samples"},
       {"min", D(col_min), ""},
       {"max", D(col_max), ""},
       {"mean", D(col_mean), ""},
       {"std", D(col_std), "sample standard deviation (n - 1); NaN when count < 2"},
       {"first", D(col_first), "first valid value"},
       {"last", D(col_last), "last valid value"}},
      {{"missions", mission_names}, {"params", param_names}},
      {{"bucket", format_duration(bucket)}, {"telemine_version", version()}});

  // The CSV: rank 0 gathers everyone's rows and writes them in (mission, parameter, bucket) order.
  ByteWriter w;
  for (std::size_t p = 0; p < n_params; ++p) w.put(rows[p]);
  const auto gathered = comm.gather_bytes(w.take());
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    std::vector<ByteReader> readers;
    for (const auto& g : gathered) readers.emplace_back(g);
    io::TextFile csv(product.staging("stats.csv"));
    std::string& text = csv.buffer();
    text = "mission,param,bucket_start,count,nan_count,min,max,mean,std,first,last\n";
    char tbuf[40];
    for (std::size_t m = 0; m < plan.missions.size(); ++m)
      for (std::size_t k = 0; k < plan.missions[m].params.size(); ++k)
        for (auto& rd : readers)
          for (const auto& b : rd.get_vector<BucketStats>()) {
            text += plan.missions[m].name;
            text += ',';
            text += plan.missions[m].params[k].name;
            text += ',';
            text.append(tbuf, format_time(b.start, tbuf));
            text += ',' + std::to_string(b.count) + ',' + std::to_string(b.nan_count) + ',';
            for (double v : {kernels::min_of(b), kernels::max_of(b), kernels::mean_of(b), kernels::sample_std(b), b.first}) {
              io::append_number(text, v);
              text += ',';
            }
            io::append_number(text, b.last);
            text += '\n';
            csv.flush_if_full();
          }
    csv.close();
  });
  product.phase("write");

  const std::int64_t total_samples = comm.allreduce_value(samples, ReduceOp::sum);
  const std::int64_t total_resumed = comm.allreduce_value(resumed, ReduceOp::sum);
  product.add_skipped(gather_skipped(comm, skipped));
  product.set_summary([&](io::JsonWriter& j) {
    j.field("bucket", format_duration(bucket));
    j.field("samples", total_samples);
    j.field("rows", layout.total_rows);
    j.field("parameters", static_cast<std::int64_t>(n_params));
    j.field("hdf5_parallel", io_report.parallel);
    j.field("hdf5_collective", io_report.collective);
    j.field("partitions_resumed_from_checkpoints", total_resumed);
  });
  const auto outputs = product.publish({"stats.h5", "stats.csv"});
  if (comm.is_root()) checkpoints.clear();
  if (comm.is_root()) {
    std::printf("stats: %lld samples of %zu parameters into %lld buckets of %s\n", static_cast<long long>(total_samples),
                n_params, static_cast<long long>(layout.total_rows), format_duration(bucket).c_str());
    if (total_resumed > 0)
      std::printf("resumed %lld of %zu partitions from checkpoints\n", static_cast<long long>(total_resumed),
                  plan.partitions.size());
    for (const auto& o : outputs) std::printf("  %s\n", o.c_str());
  }
  return 0;
}

}  // namespace telemine::jobs
