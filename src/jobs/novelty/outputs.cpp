#include "jobs/novelty/outputs.hpp"

#include <algorithm>
#include <tuple>

#include "core/comm.hpp"
#include "core/serialize.hpp"
#include "io/csv_writer.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "io/table.hpp"
#include "jobs/product.hpp"
#include "kernels/events.hpp"

namespace telemine::jobs::novelty {

namespace {

// Each model's block at its own offset: rank r writes the runs of the (model, rank) cells it
// holds, so rows come in model order whatever the rank count (data-parallel: the model's rows
// in rank order, each rank's days in time order).
io::TableLayout layout_of(const Context& c, const Results& res) {
  const int ranks = c.comm.size(), me = c.comm.rank();
  std::vector<std::int64_t> counts(c.groups.size() * static_cast<std::size_t>(ranks), 0);
  for (const auto& entry : res.models) {
    const std::int32_t g = entry.first;
    counts[static_cast<std::size_t>(g) * static_cast<std::size_t>(ranks) + static_cast<std::size_t>(me)] =
        static_cast<std::int64_t>(res.rows.at(g).size() * c.groups[g].params.size());
  }
  c.comm.allreduce(std::span<std::int64_t>(counts), ReduceOp::sum);
  io::TableLayout layout;
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(ranks)) == me && counts[i] > 0) layout.runs.push_back({offset, counts[i]});
    offset += counts[i];
  }
  layout.total_rows = offset;
  return layout;
}

}  // namespace

void write_scores(const Context& c, const Results& res, Product& product) {
  std::vector<std::int64_t> c_param, c_start, c_end;
  std::vector<double> c_score, c_share;
  for (const auto& [g, m] : res.models) {
    const Rows& r = res.rows.at(g);
    const auto& ps = c.groups[g].params;
    for (std::size_t i = 0; i < r.size(); ++i)
      for (std::size_t q = 0; q < ps.size(); ++q) {
        c_param.push_back(ps[q]);
        c_start.push_back(r.start[i]);
        c_end.push_back(r.end[i]);
        c_score.push_back(m.score_q[i * ps.size() + q]);
        c_share.push_back(m.share[i * ps.size() + q]);
      }
  }
  const io::TableLayout layout = layout_of(c, res);
  std::vector<std::string> names;
  for (const auto& p : c.params) names.push_back(p.display);
  using I = std::span<const std::int64_t>;
  using D = std::span<const double>;
  io::write_table(product.staging("scores.h5"), c.comm, "scores", layout,
                  {{"param", I(c_param), "index into /params"},
                   {"start", I(c_start), "period or window start, int64 ns since 1970-01-01T00:00:00Z (UTC)"},
                   {"end", I(c_end), "end, exclusive"},
                   {"score", D(c_score), "this parameter's standardised reconstruction error, as a multiple of its threshold (> 1: novel); a period's score is the largest of its parameters'"},
                   {"share", D(c_share), "this parameter's share of the model's reconstruction error"}},
                  {{"params", names}}, {{"telemine_version", version()}});
}

namespace {

// One row of detections.csv.
struct DetectionRow {
  std::string mission, param;
  TimeNs start, end;
  double score;
  std::string contributors;
};

// Every rank's novel rows and their shares, as rank 0 receives them.
void unpack(const Context& c, const std::vector<std::string>& gathered, std::vector<Novel>& all,
            std::vector<std::vector<float>>& shares) {
  for (const auto& bytes : gathered) {
    ByteReader rd(bytes);
    const auto part = rd.get_vector<Novel>();
    const auto sh = rd.get_vector<float>();
    std::size_t off = 0;
    for (const auto& nv : part) {
      const std::size_t np = c.groups[nv.model].params.size();
      shares.emplace_back(sh.begin() + static_cast<std::ptrdiff_t>(off), sh.begin() + static_cast<std::ptrdiff_t>(off + np));
      off += np;
      all.push_back(nv);
    }
  }
}

// A merged interval, reported for the parameter with the largest share of its error, with the
// model's main contributors and the rest, adding up to 1: `A:0.71;B:0.20;(others):0.09`.
DetectionRow row_of(const Context& c, const kernels::Detection& d) {
  const auto& ps = c.groups[d.model].params;
  const auto top = kernels::contributor_percents(d.weight);
  std::vector<std::string> names;
  for (const auto p : ps) names.push_back(c.params[p].display);
  const Param& p = c.params[ps[top.front().first]];
  return {c.plan.missions[static_cast<std::size_t>(p.mission)].name, p.name, d.start, d.end, d.score,
          kernels::contributors_text(top, names)};
}

}  // namespace

std::int64_t write_detections(const Context& c, const Results& res, Product& product) {
  ByteWriter w;
  w.put(std::span<const Novel>(res.novel));
  w.put(res.novel_share);
  const auto gathered = c.comm.gather_bytes(w.take());
  std::int64_t n_detections = 0;
  c.comm.run_phase([&] {
    if (!c.comm.is_root()) return;
    std::vector<Novel> all;
    std::vector<std::vector<float>> shares;
    unpack(c, gathered, all, shares);
    std::vector<DetectionRow> rows;
    for (const auto& d : kernels::merge_novel_rows(all, shares)) rows.push_back(row_of(c, d));
    std::sort(rows.begin(), rows.end(), [](const DetectionRow& a, const DetectionRow& b) {
      return std::tie(a.mission, a.param, a.start) < std::tie(b.mission, b.param, b.start);
    });
    // RFC 4180: a parameter named `A,B` or with a quote is quoted, so readers split it right.
    std::string text;
    io::CsvWriter csv(text);
    csv.header({"mission", "param", "start", "end", "score", "contributors"});
    for (const auto& d : rows) csv.field(d.mission).field(d.param).time(d.start).time(d.end).field(d.score).field(d.contributors).end_row();
    n_detections = static_cast<std::int64_t>(rows.size());
    io::write_file(product.staging("detections.csv"), text);
  });
  return n_detections;
}

namespace {

void put_model(ByteWriter& mw, std::int32_t g, const Rows& r, const Model& m) {
  mw.put<std::int32_t>(g);
  mw.put<std::int64_t>(static_cast<std::int64_t>(r.size()));
  mw.put<std::int64_t>(m.reference_rows);
  mw.put<double>(m.report.final_loss);
  mw.put<double>(m.report.seconds);
  mw.put<double>(m.threshold);
  mw.put(m.file);
  mw.put<std::int8_t>(m.resumed ? 1 : 0);
}

void models_json(const Context& c, const std::vector<std::string>& model_info, io::JsonWriter& j) {
  j.key("models").begin_array();
  for (const auto& bytes : model_info) {
    ByteReader rd(bytes);
    while (!rd.done()) {
      const auto g = rd.get<std::int32_t>();
      j.begin_object();
      j.field("name", c.groups[g].name);
      j.field("parameters", static_cast<std::int64_t>(c.groups[g].params.size()));
      j.field("rows", rd.get<std::int64_t>());
      j.field("reference_rows", rd.get<std::int64_t>());
      j.field("final_loss", rd.get<double>());
      j.field("train_seconds", rd.get<double>());
      j.field("threshold", rd.get<double>());
      j.field("file", rd.get_string());
      j.field("resumed", rd.get<std::int8_t>() != 0);  // loaded from an earlier run's model file
      j.end_object();
    }
  }
  j.end_array();
}

}  // namespace

void summarise(const Context& c, const Results& res, const Overlap& overlap, Product& product, std::int64_t n_detections) {
  ByteWriter mw;
  for (const auto& [g, m] : res.models) {
    if (c.data_parallel && !c.comm.is_root()) break;
    put_model(mw, g, res.rows.at(g), m);
  }
  auto model_info = c.comm.gather_bytes(mw.take());
  product.set_summary([&c, overlap, n_detections, model_info = std::move(model_info)](io::JsonWriter& j) {
    const Settings& set = c.set;
    j.field("model", set.load.empty() ? std::string(name_of(set.kind)) : "loaded from " + set.load.string());
    j.field("group", set.group);
    j.field("training", c.data_parallel ? std::string("one model, data-parallel over every rank") : std::string("models spread over the ranks"));
    j.field("detections", n_detections);
    // Only when true, so that the products of jobs that score apart from their reference
    // period stay as they were. Detections inside the reference period are on training data.
    if (overlap.scored_overlaps_reference) {
      j.field("scored_overlaps_reference", true);
      j.field("reference_from", format_time(overlap.reference_from));
      j.field("reference_to", format_time(overlap.reference_to));
    }
    if (overlap.train_to_past_data) j.field("train_to_past_data", true);
    models_json(c, model_info, j);
  });
}

}  // namespace telemine::jobs::novelty
