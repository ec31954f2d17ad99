#include "jobs/stats/outputs.hpp"

#include <span>

#include "core/comm.hpp"
#include "io/csv.hpp"
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

void append_row(std::string& text, const std::string& mission, const std::string& param, const BucketStats& b) {
  char tbuf[40];
  text += mission;
  text += ',';
  text += param;
  text += ',';
  text.append(tbuf, format_time(b.start, tbuf));
  text += ',' + std::to_string(b.count) + ',' + std::to_string(b.nan_count) + ',';
  for (double v : {kernels::min_of(b), kernels::max_of(b), kernels::mean_of(b), kernels::sample_std(b), b.first}) {
    io::append_number(text, v);
    text += ',';
  }
  io::append_number(text, b.last);
  text += '\n';
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
    io::TextFile csv(product.staging("stats.csv"));
    std::string& text = csv.buffer();
    text = "mission,param,bucket_start,count,nan_count,min,max,mean,std,first,last\n";
    for (std::size_t p = 0; p < params.size(); ++p) {
      const std::string& mission = plan.missions[static_cast<std::size_t>(params.mission(p))].name;
      for (const Rows& rank_rows : gathered)
        for (const auto& b : rank_rows[p]) {
          append_row(text, mission, params.info(p).name, b);
          csv.flush_if_full();
        }
    }
    csv.close();
  });
}

}  // namespace telemine::jobs::stats
