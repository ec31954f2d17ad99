#include "jobs/dependency/outputs.hpp"

#include <array>
#include <cmath>
#include <optional>
#include <tuple>

#include "core/comm.hpp"
#include "core/merge.hpp"
#include "io/csv.hpp"
#include "io/csv_writer.hpp"
#include "io/json.hpp"
#include "io/table.hpp"
#include "jobs/product.hpp"

namespace telemine::jobs::dependency {

bool OutputOrder::operator()(const PairResult& x, const PairResult& y) const {
  if (x.significant != y.significant) return x.significant;
  if (x.score != y.score) return x.score > y.score;
  if (x.nmi != y.nmi) return x.nmi > y.nmi;
  return std::tie(params[x.a].display, params[x.b].display) < std::tie(params[y.a].display, params[y.b].display);
}

double lag_in_seconds(std::int64_t lag, DurationNs grid) {
  return static_cast<double>(lag) * (static_cast<double>(grid) / kSecond);
}

std::string lag_seconds(std::int64_t lag, DurationNs grid) {
  std::string s;
  io::append_number(s, lag_in_seconds(lag, grid));
  return s;
}

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

namespace {

// pairs.csv and graph.dot row by row; each parameter's strongest significant partners (with
// the lag seen from that parameter) kept for top.csv. Rank 0 only.
struct TableWriter {
  const Settings& set;
  const std::vector<Param>& params;
  io::TextFile pairs_file, graph;
  io::CsvWriter pairs_csv;
  std::vector<std::vector<std::pair<PairResult, bool>>> partners;

  TableWriter(Product& product, const Settings& settings, const std::vector<Param>& ps)
      : set(settings), params(ps), pairs_file(product.staging("pairs.csv")), graph(product.staging("graph.dot")),
        pairs_csv(pairs_file), partners(ps.size()) {
    pairs_csv.header({"param_a", "param_b", "lag_seconds", "mi", "nmi", "score", "significant"});
    graph.buffer() = "digraph dependencies {\n  node [shape=box];\n";
  }
  const std::string& name(std::int32_t p) const { return params[static_cast<std::size_t>(p)].display; }

  void row(const PairResult& r) {
    pairs_csv.field(name(r.a)).field(name(r.b)).field(lag_in_seconds(r.lag, set.grid));
    pairs_csv.field(r.mi).field(r.nmi).field(r.score).field(r.significant ? 1 : 0).end_row();
    if (!r.significant) return;
    for (const auto& [p, flipped] : {std::pair{r.a, false}, std::pair{r.b, true}})
      if (static_cast<int>(partners[static_cast<std::size_t>(p)].size()) < set.top)
        partners[static_cast<std::size_t>(p)].emplace_back(r, flipped);
    edge(r);
  }

  // An arrow from the leader to the follower when the dependence is lagged.
  void edge(const PairResult& r) {
    std::string& dot = graph.buffer();
    const bool lead_b = r.lag < 0;
    dot += "  " + dot_quote(name(lead_b ? r.b : r.a)) + " -> " + dot_quote(name(lead_b ? r.a : r.b)) + " [";
    dot += r.lag == 0 ? "dir=none, " : "label=\"" + lag_seconds(std::abs(r.lag), set.grid) + " s\", ";
    std::string w;
    io::append_number(w, 1 + 4 * r.nmi);
    dot += "penwidth=" + w + "];\n";
    graph.flush_if_full();
  }

  void finish(Product& product) {
    pairs_file.close();
    graph.buffer() += "}\n";
    graph.close();
    io::TextFile top(product.staging("top.csv"));
    io::CsvWriter csv(top);
    csv.header({"param", "rank", "partner", "lag_seconds", "mi", "nmi", "score"});
    for (std::size_t p = 0; p < params.size(); ++p) {
      int rank = 0;
      for (const auto& [r, flipped] : partners[p]) {  // already by score
        csv.field(name(static_cast<std::int32_t>(p))).field(++rank).field(name(flipped ? r.a : r.b));
        csv.field(lag_in_seconds(flipped ? -r.lag : r.lag, set.grid)).field(r.mi).field(r.nmi).field(r.score).end_row();
      }
    }
    top.close();
  }
};

}  // namespace

void write_tables(const Comm& comm, Product& product, const Settings& settings, const std::vector<Param>& params,
                  const std::vector<PairResult>& results) {
  std::optional<TableWriter> writer;
  comm.run_phase([&] {
    if (comm.is_root()) writer.emplace(product, settings, params);
  });
  merge_to_root<PairResult>(comm, results, OutputOrder{params}, [&](const PairResult& r) { writer->row(r); });
  comm.run_phase([&] {
    if (comm.is_root()) writer->finish(product);
  });
}

namespace {

struct Cell {
  std::int32_t a, b;
  double value;  // lags and flags too: small integers, exact in a double
};

struct Matrix {
  const char* name;
  bool integer;        // int64 in the file, 0 on the diagonal (else float64, NaN)
  bool antisymmetric;  // (b, a) holds minus (a, b): a lag seen from b
  double (*value)(const PairResult&, double grid_seconds);
};

constexpr std::array<Matrix, 5> kMatrices = {{
    {"mi", false, false, [](const PairResult& r, double) { return r.mi; }},
    {"nmi", false, false, [](const PairResult& r, double) { return r.nmi; }},
    {"score", false, false, [](const PairResult& r, double) { return r.score; }},
    {"lag_seconds", true, true, [](const PairResult& r, double g) { return static_cast<double>(r.lag) * g; }},
    {"significant", true, false, [](const PairResult& r, double) { return r.significant ? 1.0 : 0.0; }},
}};

// One matrix built on rank 0 from the cells the ranks send it in rounds, written, and freed.
void write_matrix(const Comm& comm, io::SquareMatrixFile* h5, const Matrix& matrix, std::size_t n, double grid_seconds,
                  const std::vector<PairResult>& results) {
  std::vector<Cell> cells(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) cells[i] = {results[i].a, results[i].b, matrix.value(results[i], grid_seconds)};
  const bool is_int = matrix.integer;
  std::vector<double> f64(comm.is_root() && !is_int ? n * n : 0, NAN);
  std::vector<std::int64_t> i64(comm.is_root() && is_int ? n * n : 0, 0);
  auto set_cell = [&](std::size_t at, double v) {
    if (is_int) i64[at] = static_cast<std::int64_t>(v);
    else f64[at] = v;
  };
  merge_to_root<Cell>(comm, cells, [](const Cell&, const Cell&) { return false; }, [&](const Cell& c) {
    set_cell(static_cast<std::size_t>(c.a) * n + static_cast<std::size_t>(c.b), c.value);
    set_cell(static_cast<std::size_t>(c.b) * n + static_cast<std::size_t>(c.a), matrix.antisymmetric ? -c.value : c.value);
  });
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    if (is_int) h5->add(matrix.name, i64);
    else h5->add(matrix.name, f64);
  });
}

}  // namespace

void write_matrices(const Comm& comm, Product& product, const Settings& settings, const std::vector<Param>& params,
                    const std::vector<PairResult>& results) {
  std::optional<io::SquareMatrixFile> h5;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    std::vector<std::string> names;
    for (const auto& p : params) names.push_back(p.display);
    h5.emplace(product.staging("pairs.h5"), names);
  });
  // Whole seconds a grid step, as the matrices have always held them.
  const double grid_seconds = static_cast<double>(settings.grid / kSecond);
  for (const auto& matrix : kMatrices)
    write_matrix(comm, h5 ? &*h5 : nullptr, matrix, params.size(), grid_seconds, results);
  comm.run_phase([&] {
    if (comm.is_root()) h5->close();
  });
}

}  // namespace telemine::jobs::dependency
