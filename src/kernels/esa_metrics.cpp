// ESA-ADB's event-wise, channel-aware and timing metrics (timeeval/metrics/ESA_ADB_metrics.py,
// ranking_metrics.py, latency_metrics.py). The reference works on `portion` intervals; `Set`
// below is the same thing (sorted, disjoint atomic intervals with closed or open ends, merged
// when they overlap or touch), so each step can follow the reference's.
#include "kernels/esa_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace telemine::kernels::esa {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

bool nonempty(const Span& s) { return s.lo < s.hi || (s.lo == s.hi && s.lo_closed && s.hi_closed); }

Span intersect(const Span& a, const Span& b) {
  Span r;
  r.lo = std::max(a.lo, b.lo);
  r.lo_closed = a.lo == b.lo ? a.lo_closed && b.lo_closed : (a.lo > b.lo ? a.lo_closed : b.lo_closed);
  r.hi = std::min(a.hi, b.hi);
  r.hi_closed = a.hi == b.hi ? a.hi_closed && b.hi_closed : (a.hi < b.hi ? a.hi_closed : b.hi_closed);
  return r;
}

bool meets(const Span& a, const Span& b) { return nonempty(intersect(a, b)); }

using Set = std::vector<Span>;  // sorted, disjoint, not touching

// portion's union: atomic intervals that overlap or touch (one end closed) merge.
Set normalise(Set s) {
  std::erase_if(s, [](const Span& x) { return !nonempty(x); });
  std::sort(s.begin(), s.end(), [](const Span& a, const Span& b) {
    return a.lo != b.lo ? a.lo < b.lo : a.lo_closed > b.lo_closed;
  });
  Set out;
  for (const auto& x : s) {
    if (!out.empty()) {
      Span& c = out.back();
      if (c.hi > x.lo || (c.hi == x.lo && (c.hi_closed || x.lo_closed))) {
        if (x.hi > c.hi || (x.hi == c.hi && x.hi_closed)) {
          c.hi = x.hi;
          c.hi_closed = x.hi_closed || (x.hi == c.hi && c.hi_closed);
        }
        continue;
      }
    }
    out.push_back(x);
  }
  return out;
}

Set closed_union(std::span<const Label> rows, auto&& keep) {
  Set s;
  for (const auto& r : rows)
    if (keep(r)) s.push_back({r.start, r.end, true, true});
  return normalise(std::move(s));
}

// The atomic intervals of a & b (both normalised; the pieces stay sorted and apart).
Set intersect(const Set& a, const Set& b) {
  Set out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const Span x = intersect(a[i], b[j]);
    if (nonempty(x)) out.push_back(x);
    const bool a_first = a[i].hi < b[j].hi || (a[i].hi == b[j].hi && !a[i].hi_closed);
    (a_first ? i : j)++;
  }
  return out;
}

bool meets(const Set& a, const Set& b) { return !intersect(a, b).empty(); }

// The first span of `s` that may meet [lo, ...): spans are sorted and disjoint.
std::size_t first_reaching(const Set& s, TimeNs lo) {
  return static_cast<std::size_t>(std::partition_point(s.begin(), s.end(), [&](const Span& x) { return x.hi < lo; }) - s.begin());
}

double ratio(std::int64_t num, std::int64_t den) { return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den); }

// Ids in order of first appearance among the selected rows (pandas' unique()).
std::vector<std::string> selected_ids(std::span<const Label> labels) {
  std::vector<std::string> ids;
  std::map<std::string, bool> seen;
  for (const auto& l : labels)
    if (l.selected && !seen[l.id]) {
      seen[l.id] = true;
      ids.push_back(l.id);
    }
  return ids;
}

struct EventCounts {
  std::int64_t tp = 0, fn = 0, fp = 0, redundant = 0;
};

EventCounts count_events(std::span<const Label> labels, const Set& pred, const Set& all_gt) {
  EventCounts c;
  std::vector<bool> matched(pred.size(), false);
  for (const auto& id : selected_ids(labels)) {
    const Set gt = closed_union(labels, [&](const Label& l) { return l.selected && l.id == id; });
    std::vector<std::int64_t> detected(gt.size(), 0);
    bool found = false;
    for (std::size_t p = first_reaching(pred, gt.front().lo); p < pred.size() && pred[p].lo <= gt.back().hi; ++p) {
      bool any = false;
      for (std::size_t g = 0; g < gt.size(); ++g)
        if (meets(pred[p], gt[g])) {
          ++detected[g];
          any = true;
        }
      if (!any) continue;
      matched[p] = true;
      if (!found) ++c.tp;
      found = true;
    }
    for (const auto d : detected)
      if (d > 1) c.redundant += d - 1;
    if (!found) ++c.fn;
  }
  for (std::size_t p = 0; p < pred.size(); ++p) {
    if (matched[p]) continue;
    bool touches = false;
    for (std::size_t g = first_reaching(all_gt, pred[p].lo); g < all_gt.size() && all_gt[g].lo <= pred[p].hi && !touches; ++g)
      touches = meets(pred[p], all_gt[g]);
    if (!touches) ++c.fp;
  }
  return c;
}

// 1 - (false-positive time / nominal time), the sums in float seconds as the reference has them.
double true_negative_rate(const Set& pred, const Set& all_gt, TimeNs lo, TimeNs hi) {
  Set nominal;  // [lo, hi] minus the labels
  TimeNs from = lo;
  bool from_closed = true;
  auto piece = [&](TimeNs to, bool to_closed) {
    const Span x = intersect(Span{from, to, from_closed, to_closed}, Span{lo, hi, true, true});
    if (nonempty(x)) nominal.push_back(x);
  };
  for (const auto& g : all_gt) {
    piece(g.lo, !g.lo_closed);
    from = g.hi;
    from_closed = !g.hi_closed;
  }
  piece(hi, true);
  double nominal_s = 0, false_s = 0;
  for (const auto& n : nominal) nominal_s += static_cast<double>(n.hi - n.lo) / 1e9;
  for (const auto& x : intersect(nominal, pred)) false_s += static_cast<double>(x.hi - x.lo) / 1e9;
  // The reference divides by zero when labels cover the whole range; no time, no correction.
  return nominal_s == 0 ? 1.0 : 1 - false_s / nominal_s;
}

std::pair<TimeNs, TimeNs> as_ns(const Span& s) { return {s.lo, s.lo != s.hi ? s.hi : s.hi + 1}; }

void affiliation(std::span<const Label> labels, const Set& pred, const Set& all_gt, TimeNs lo, TimeNs hi, double beta,
                 Scores& out) {
  std::vector<std::pair<TimeNs, TimeNs>> pred_ns, gt_ns;
  for (const auto& p : pred) pred_ns.push_back(as_ns(p));
  for (const auto& g : all_gt) gt_ns.push_back(as_ns(g));
  // max(np.max(pred), np.max(gt), hi): a point at the end widens the range, and the range's
  // end is a NumPy integer unless `hi` alone is the largest.
  TimeNs top = kTimeMin;
  for (const auto& e : pred_ns) top = std::max({top, e.first, e.second});
  for (const auto& e : gt_ns) top = std::max({top, e.first, e.second});
  const bool numpy_end = top >= hi;
  const auto probs = affiliation_probabilities(pred_ns, gt_ns, {lo, std::max(top, hi)}, numpy_end);
  std::vector<std::string> order;  // ids in order of insertion, as in the reference's dicts
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> per_id;
  for (std::size_t z = 0; z < all_gt.size(); ++z) {
    std::vector<const Label*> in_zone;
    for (const auto& l : labels)
      if (l.start <= all_gt[z].hi && l.end >= all_gt[z].lo) in_zone.push_back(&l);
    // A zone holding any unselected label is left out.
    if (std::any_of(in_zone.begin(), in_zone.end(), [](const Label* l) { return !l->selected; })) continue;
    for (const Label* l : in_zone) {
      auto [it, inserted] = per_id.try_emplace(l->id);
      if (inserted) order.push_back(l->id);
      it->second.first.push_back(probs[z].first);
      it->second.second.push_back(probs[z].second);
    }
  }
  std::vector<double> precisions, recalls;
  for (const auto& id : order) {
    precisions.push_back(numpy_mean(per_id[id].first));
    recalls.push_back(numpy_mean(per_id[id].second));
  }
  out.aff_precision = numpy_mean(precisions);
  out.aff_recall = numpy_mean(recalls);
  const double b2 = beta * beta;  // no zero guard here in the reference: 0/0 is NaN
  out.aff_f = ((1 + b2) * out.aff_precision * out.aff_recall) / (b2 * out.aff_precision + out.aff_recall);
}

double numpy_pairwise(const double* a, std::size_t n) {
  if (n < 8) {
    double r = 0.;
    for (std::size_t i = 0; i < n; ++i) r += a[i];
    return r;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_pairwise(a, n2) + numpy_pairwise(a + n2, n - n2);
}

}  // namespace

double numpy_mean(std::span<const double> v) {
  if (v.empty()) return kNan;
  // add.reduce starts from the first element and adds the pairwise sum of the rest.
  return (v[0] + numpy_pairwise(v.data() + 1, v.size() - 1)) / static_cast<double>(v.size());
}

double f_beta(double p, double r, double beta) {
  const double b2 = beta * beta;
  const double d = b2 * p + r;
  return d == 0 ? 0.0 : ((1 + b2) * p * r) / d;
}

std::vector<Span> events_from_samples(std::span<const TimeNs> time, std::span<const std::uint8_t> flag, TimeNs range_lo,
                                      TimeNs range_hi) {
  std::vector<TimeNs> t(time.begin(), time.end());
  std::vector<std::uint8_t> v(flag.begin(), flag.end());
  if (t.empty()) return {};
  if (t.front() > range_lo) t.insert(t.begin(), range_lo), v.insert(v.begin(), v.front());
  if (t.back() < range_hi) t.push_back(range_hi), v.push_back(v.back());
  Set out;
  const std::size_t n = t.size();
  for (std::size_t x = 0; x < n;) {
    std::size_t y = x + 1;
    while (y < n && (v[y] > 0) == (v[x] > 0)) ++y;
    if (v[x] > 0) out.push_back(y == n ? Span{t[x], t[n - 1], true, true} : Span{t[x], t[y], true, false});
    x = y;
  }
  return normalise(std::move(out));
}

std::vector<Span> events_from_intervals(std::vector<std::pair<TimeNs, TimeNs>> intervals, TimeNs range_lo, TimeNs range_hi) {
  Set s;
  for (auto [a, b] : intervals) {
    a = std::max(a, range_lo);
    b = std::min(b, range_hi);
    if (a < b) s.push_back({a, b, true, false});
  }
  // [a, b) and [b, c) touch and merge: the series holding them is 1 from a to c.
  return normalise(std::move(s));
}

Scores esa_scores(std::span<const Label> labels, std::span<const Span> pred_in, TimeNs lo, TimeNs hi, double beta) {
  Scores s;
  const Set pred = normalise(Set(pred_in.begin(), pred_in.end()));
  const Set all_gt = closed_union(labels, [](const Label&) { return true; });
  const EventCounts c = count_events(labels, pred, all_gt);
  s.true_positives = c.tp;
  s.false_negatives = c.fn;
  s.false_positives = c.fp;
  s.redundant = c.redundant;
  double precision = ratio(c.tp, c.tp + c.fp);
  s.alarming_precision = ratio(c.tp, c.tp + c.redundant);
  if (precision > 0) {  // correction by the true-negative rate (Sehili et al. 2023)
    s.tnr = true_negative_rate(pred, all_gt, lo, hi);
    precision *= s.tnr;
  }
  s.ew_precision = precision;
  s.ew_recall = ratio(c.tp, c.tp + c.fn);
  s.ew_f = f_beta(s.ew_precision, s.ew_recall, beta);
  if (all_gt.empty()) {
    s.aff_precision = s.aff_recall = s.aff_f = kNan;
  } else {
    affiliation(labels, pred, all_gt, lo, hi, beta, s);
  }
  return s;
}

namespace {

struct Counts {
  std::int64_t tp = 0, fp = 0, fn = 0;
  void add(bool affected, bool detected) {
    if (affected && detected) ++tp;
    else if (affected) ++fn;
    else if (detected) ++fp;
  }
};

void push_scores(const Counts& c, double beta, std::vector<double>& p, std::vector<double>& r, std::vector<double>& f) {
  p.push_back(ratio(c.tp, c.tp + c.fp));
  r.push_back(ratio(c.tp, c.tp + c.fn));
  f.push_back(f_beta(p.back(), r.back(), beta));
}

using PerChannel = std::vector<Set>;  // by index into the prediction's channels

}  // namespace

ChannelScores channel_aware(std::span<const Label> labels_in, std::span<const ChannelEvents> pred,
                            std::span<const std::pair<std::string, std::vector<std::string>>> subsystems, double beta) {
  std::vector<Label> labels(labels_in.begin(), labels_in.end());
  for (auto& l : labels)  // the reference's fix for point anomalies: they last 1 ms
    if (l.selected && l.start == l.end) l.end = l.start + 1'000'000;
  std::map<std::string, std::size_t> index;
  for (std::size_t c = 0; c < pred.size(); ++c) index.emplace(pred[c].channel, c);
  const auto ids = selected_ids(labels);
  std::vector<PerChannel> by_id;
  for (const auto& id : ids) {
    PerChannel pc(pred.size());
    for (std::size_t c = 0; c < pred.size(); ++c)
      pc[c] = closed_union(labels, [&](const Label& l) { return l.selected && l.id == id && l.channel == pred[c].channel; });
    by_id.push_back(std::move(pc));
  }
  std::vector<double> cp, cr, cf, sp, sr, sf;
  for (std::size_t a = 0; a < ids.size(); ++a) {
    Set full;
    for (const auto& s : by_id[a]) full.insert(full.end(), s.begin(), s.end());
    full = normalise(std::move(full));
    std::vector<Set> detection(pred.size());
    for (std::size_t c = 0; c < pred.size(); ++c) detection[c] = intersect(full, normalise(pred[c].events));
    auto explained = [&](std::size_t c, const Set& d) {  // a detection of another anomaly is no false alarm
      for (std::size_t o = 0; o < ids.size(); ++o)
        if (o != a && !by_id[o][c].empty() && meets(d, by_id[o][c])) return true;
      return false;
    };
    Counts cc;
    for (std::size_t c = 0; c < pred.size(); ++c) {
      const bool affected = !by_id[a][c].empty(), detected = !detection[c].empty();
      cc.add(affected, detected && (affected || !explained(c, detection[c])));
    }
    push_scores(cc, beta, cp, cr, cf);
    if (subsystems.empty()) continue;
    Counts sc;
    for (const auto& [name, channels] : subsystems) {
      std::vector<std::size_t> members;
      for (const auto& ch : channels)
        if (auto it = index.find(ch); it != index.end()) members.push_back(it->second);
      if (members.empty()) continue;
      bool affected = false, detected = false;
      for (auto c : members) affected |= !by_id[a][c].empty(), detected |= !detection[c].empty();
      if (!affected && detected) {
        detected = false;
        for (auto c : members) detected |= !detection[c].empty() && !explained(c, detection[c]);
      }
      sc.add(affected, detected);
    }
    push_scores(sc, beta, sp, sr, sf);
  }
  ChannelScores out;
  out.channel_precision = numpy_mean(cp);
  out.channel_recall = numpy_mean(cr);
  out.channel_f = numpy_mean(cf);
  out.has_subsystems = !subsystems.empty();
  if (out.has_subsystems) {
    out.subsystem_precision = numpy_mean(sp);
    out.subsystem_recall = numpy_mean(sr);
    out.subsystem_f = numpy_mean(sf);
  }
  return out;
}

namespace {

// ESA-ADB's timing curve: x the latency, a how far before the start a detection still counts,
// b the anomaly's length. Durations divide as pandas' Timedeltas do (int / int).
double timing_curve(TimeNs x, TimeNs a, TimeNs b, double exponent) {
  if ((a == 0 || b == 0) && x == 0) return 1;
  if (x <= -a || x >= b) return 0;
  if (x <= 0) return std::pow(static_cast<double>(x + a) / static_cast<double>(a), exponent);
  const double part = static_cast<double>(x) / static_cast<double>(b - x);
  return 1. / (1. + std::pow(part, exponent));
}

}  // namespace

Timing adtqc(std::span<const Label> labels, std::span<const ChannelEvents> pred, double exponent) {
  std::map<std::string, Set> events;
  for (const auto& c : pred) events[c.channel] = normalise(c.events);
  const auto ids = selected_ids(labels);
  std::vector<TimeNs> starts;
  for (const auto& id : ids) {
    TimeNs s = std::numeric_limits<TimeNs>::max();
    for (const auto& l : labels)
      if (l.selected && l.id == id) s = std::min(s, l.start);
    starts.push_back(s);
  }
  std::sort(starts.begin(), starts.end());
  std::vector<double> scores;
  Timing t;
  for (const auto& id : ids) {
    std::map<std::string, Set> per_channel;  // sorted by channel, as np.sort
    for (const auto& l : labels)
      if (l.selected && l.id == id) per_channel[l.channel].push_back({l.start, l.end, true, true});
    Set found, gts;
    for (auto& [ch, set] : per_channel) {
      set = normalise(std::move(set));
      gts.insert(gts.end(), set.begin(), set.end());
      const auto it = events.find(ch);
      if (it == events.end()) continue;
      for (const auto& p : it->second)
        if (meets(Set{p}, set)) found.push_back(p);
    }
    if (found.empty()) continue;  // no detection, no score
    found = normalise(std::move(found));
    gts = normalise(std::move(gts));
    const TimeNs length = gts.back().hi - gts.front().lo;
    const auto idx = std::lower_bound(starts.begin(), starts.end(), gts.front().lo) - starts.begin();
    const TimeNs previous = idx > 0 ? starts[static_cast<std::size_t>(idx - 1)] : gts.front().lo - length;
    const TimeNs alpha = std::min(length, gts.front().lo - previous);
    const TimeNs latency = found.front().lo - gts.front().lo;
    scores.push_back(timing_curve(latency, alpha, length, exponent));
    (latency < 0 ? t.before : t.after)++;
  }
  t.after_rate = scores.empty() ? kNan : static_cast<double>(t.after) / static_cast<double>(scores.size());
  t.total = numpy_mean(scores);
  return t;
}

}  // namespace telemine::kernels::esa
