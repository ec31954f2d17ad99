#include "jobs/stats/compute.hpp"

#include "core/comm.hpp"

namespace telemine::jobs::stats {

using kernels::BucketStats;

void ParamBuckets::add(const std::vector<BucketStats>& partials) {
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

void put(ByteWriter& w, const Edge& e) {
  w.put<std::uint8_t>(e.has ? 1 : 0);
  if (!e.has) return;
  w.put<std::int64_t>(e.last);
  w.put(e.head);
}

void get(ByteReader& r, Edge& e) {
  e.has = r.get<std::uint8_t>() != 0;
  if (!e.has) return;
  e.last = r.get<std::int64_t>();
  e.head = r.get_vector<BucketStats>();
}

namespace {

BucketStats fold(const std::vector<BucketStats>& parts) {
  BucketStats acc = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) kernels::merge(acc, parts[i]);
  return acc;
}

// Parameter p's rows on rank `me`, given every rank's edges.
std::vector<BucketStats> settle_one(const ParamBuckets& a, const std::vector<std::vector<Edge>>& edges, std::size_t p,
                                    int me) {
  std::vector<BucketStats> rows;
  const int ranks = static_cast<int>(edges.size());
  // My first bucket belongs to an earlier rank when the nearest earlier rank with data for this
  // parameter ends in the same bucket.
  bool owned_elsewhere = false;
  for (int r = me - 1; r >= 0; --r) {
    if (!edges[r][p].has) continue;
    owned_elsewhere = edges[r][p].last == a.first_start();
    break;
  }
  if (!owned_elsewhere) rows.push_back(fold(a.head));
  rows.insert(rows.end(), a.rows.begin(), a.rows.end());
  if (rows.empty()) return rows;
  // Fold in later ranks whose first bucket continues my last one, in rank (= time) order.
  BucketStats& last = rows.back();
  for (int r = me + 1; r < ranks; ++r) {
    const Edge& e = edges[r][p];
    if (!e.has) continue;
    if (e.head.front().start != last.start) break;
    for (const auto& part : e.head) kernels::merge(last, part);
    if (e.last != last.start) break;  // that rank goes on past this bucket
  }
  return rows;
}

}  // namespace

std::vector<std::vector<BucketStats>> settle_boundaries(std::vector<ParamBuckets>& acc, const Comm& comm) {
  std::vector<Edge> mine(acc.size());
  for (std::size_t p = 0; p < acc.size(); ++p)
    if (!acc[p].empty()) mine[p] = {true, acc[p].last_start(), acc[p].head};
  const std::vector<std::vector<Edge>> edges = comm.allgather(mine);
  std::vector<std::vector<BucketStats>> out(acc.size());
  for (std::size_t p = 0; p < acc.size(); ++p)
    if (!acc[p].empty()) out[p] = settle_one(acc[p], edges, p, comm.rank());
  return out;
}

}  // namespace telemine::jobs::stats
