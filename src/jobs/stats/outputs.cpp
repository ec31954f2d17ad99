#include "jobs/stats/outputs.hpp"

#include <span>

#include "core/comm.hpp"
#include "io/csv.hpp"
#include "io/csv_writer.hpp"
#include "io/json.hpp"
#include "jobs/product.hpp"

namespace telemine::jobs::stats {

using kernels::BucketStats;

namespace {

// Every rank's row counts, for the layout of the collective write: parameter by parameter,
// each rank's rows in rank (= time) order.
io::TableLayout layout_of(const Rows& rows, const Comm& comm) {
  const int ranks = comm.size();
  std::vector<std::int64_t> counts(rows.size() * static_cast<std::size_t>(ranks), 0);
  for (std::size_t p = 0; p < rows.size(); ++p) counts[p * ranks + comm.rank()] = static_cast<std::int64_t>(rows[p].size());
  comm.allreduce(std::span<std::int64_t>(counts), ReduceOp::sum);
  io::TableLayout layout;
  std::int64_t offset = 0;
  for (std::size_t p = 0; p < rows.size(); ++p)
    for (int r = 0; r < ranks; ++r) {
      const auto c = counts[p * ranks + r];
      if (r == comm.rank() && c > 0) layout.runs.emplace_back(offset, c);
      offset += c;
    }
  layout.total_rows = offset;
  return layout;
}

// This rank's rows as columns, in (mission, parameter, bucket) order.
struct Columns {
  std::vector<std::int64_t> mission, param, start, count, nan;
  std::vector<double> min, max, mean, std, first, last;

  Columns(const Rows& rows, const ParamIndex& params) {
    for (std::size_t p = 0; p < rows.size(); ++p)
      for (const auto& b : rows[p]) {
        mission.push_back(params.mission(p));
        param.push_back(static_cast<std::int64_t>(p));
        start.push_back(b.start);
        count.push_back(b.count);
        nan.push_back(b.nan_count);
        min.push_back(kernels::min_of(b));
        max.push_back(kernels::max_of(b));
        mean.push_back(kernels::mean_of(b));
        std.push_back(kernels::sample_std(b));
        first.push_back(b.first);
        last.push_back(b.last);
      }
  }
};

void append_row(io::CsvWriter& csv, const std::string& mission, const std::string& param, const BucketStats& b) {
  csv.field(mission).field(param).time(b.start).field(b.count).field(b.nan_count);
  csv.field(kernels::min_of(b)).field(kernels::max_of(b)).field(kernels::mean_of(b)).field(kernels::sample_std(b));
  csv.field(b.first).field(b.last).end_row();
}

}  // namespace

std::pair<io::CollectiveWriteReport, std::int64_t> write_h5(const Rows& rows, const Plan& plan, const ParamIndex& params,
                                                            const Settings& settings, const Comm& comm, Product& product) {
  const io::TableLayout layout = layout_of(rows, comm);
  const Columns c(rows, params);
  std::vector<std::string> param_names, mission_names;
  for (std::size_t p = 0; p < params.size(); ++p) param_names.push_back(params.info(p).name);
  for (const auto& m : plan.missions) mission_names.push_back(m.name);
  using I = std::span<const std::int64_t>;
  using D = std::span<const double>;
  const auto report = io::write_table(
      product.staging("stats.h5"), comm, "stats", layout,
      {{"mission", I(c.mission), "index into /missions"},
       {"param", I(c.param), "index into /params"},
       {"bucket_start", I(c.start), "bucket start, int64 ns since 1970-01-01T00:00:00Z (UTC)"},
       {"count", I(c.count), "valid samples"},
       {"nan_count", I(c.nan), "invalid (NaN) samples"},
       {"min", D(c.min), ""},
       {"max", D(c.max), ""},
       {"mean", D(c.mean), ""},
       {"std", D(c.std), "sample standard deviation (n - 1); NaN when count < 2"},
       {"first", D(c.first), "first valid value"},
       {"last", D(c.last), "last valid value"}},
      {{"missions", mission_names}, {"params", param_names}},
      {{"bucket", format_duration(settings.bucket)}, {"telemine_version", version()}});
  return {report, layout.total_rows};
}

void write_csv(const Rows& rows, const Plan& plan, const ParamIndex& params, const Comm& comm, Product& product) {
  const std::vector<Rows> gathered = comm.gather(rows);
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    // Through io's CSV writer: a name holding `,` or `"` is quoted (RFC 4180), others as they are.
    io::TextFile file(product.staging("stats.csv"));
    io::CsvWriter csv(file);
    csv.header({"mission", "param", "bucket_start", "count", "nan_count", "min", "max", "mean", "std", "first", "last"});
    for (std::size_t p = 0; p < params.size(); ++p) {
      const std::string& mission = plan.missions[static_cast<std::size_t>(params.mission(p))].name;
      for (const Rows& rank_rows : gathered)
        for (const auto& b : rank_rows[p]) append_row(csv, mission, params.info(p).name, b);
    }
    file.close();
  });
}

}  // namespace telemine::jobs::stats
