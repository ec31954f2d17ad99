#include "io/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace telemine::io {

namespace {

constexpr int kTop = 30, kAxis = 28;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string label_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A tick step of at least `raw` ns from a list of round durations.
DurationNs tick_step(double raw) {
  static const DurationNs steps[] = {kSecond, 2 * kSecond, 5 * kSecond, 10 * kSecond, 30 * kSecond, kMinute,
                                     2 * kMinute, 5 * kMinute, 10 * kMinute, 30 * kMinute, kHour, 2 * kHour,
                                     6 * kHour, 12 * kHour, kDay, 2 * kDay, 7 * kDay, 14 * kDay, 30 * kDay,
                                     91 * kDay, 365 * kDay};
  for (DurationNs s : steps)
    if (static_cast<double>(s) >= raw) return s;
  return 365 * kDay;
}

struct Frame {
  TimeNs from, to;
  double left, width;
  double x(TimeNs t) const { return left + (static_cast<double>(t - from) / static_cast<double>(to - from)) * width; }
};

void panel(std::string& s, const SvgPlot& p, const Frame& f, std::size_t k, double top) {
  const SvgSeries& series = p.panels[k];
  const double h = p.panel_height;
  s += "<g><rect x=\"" + num(f.left) + "\" y=\"" + num(top) + "\" width=\"" + num(f.width) + "\" height=\"" + num(h) +
       "\" fill=\"#fff\" stroke=\"#ccd\"/>\n";
  for (const SvgInterval& e : p.intervals) {
    if (!e.param.empty() && e.param != series.label) continue;
    const double a = std::max(f.left, f.x(std::max(e.start, f.from))), b = std::min(f.left + f.width, f.x(std::min(e.end, f.to)));
    if (e.end <= f.from || e.start >= f.to) continue;
    const bool det = e.kind == "detection";
    const char* fill = det ? "#d62728" : e.kind == "anomaly" ? "rgba(214,39,40,0.16)" : "rgba(120,120,120,0.18)";
    s += "<rect x=\"" + num(a) + "\" y=\"" + num(top) + "\" width=\"" + num(std::max(det ? 2.0 : 1.0, b - a)) +
         "\" height=\"" + num(det ? 4 : h) + "\" fill=\"" + fill + "\"><title>" + xml_escape(e.kind + " " + e.text) +
         "</title></rect>\n";
  }
  double lo = INFINITY, hi = -INFINITY;
  auto widen = [&](const std::vector<double>& v) {
    for (double x : v)
      if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  };
  widen(series.value);
  widen(series.lo);
  widen(series.hi);
  s += "<text x=\"6\" y=\"" + num(top + 16) + "\" font-weight=\"bold\">" + xml_escape(series.label) + "</text>";
  s += "<text x=\"6\" y=\"" + num(top + 32) + "\" fill=\"#667\">" + xml_escape(series.unit) + "</text>\n";
  if (!(lo <= hi)) {
    s += "<text x=\"" + num(f.left + 8) + "\" y=\"" + num(top + h / 2) + "\" fill=\"#667\">no samples</text></g>\n";
    return;
  }
  if (lo == hi) lo -= 1, hi += 1;
  const double pad = (hi - lo) * 0.08;
  auto y = [&](double v) { return top + h - 2 - (v - lo + pad) / (hi - lo + 2 * pad) * (h - 4); };
  s += "<text x=\"6\" y=\"" + num(top + h - 4) + "\" fill=\"#667\">" + label_value(lo) + " .. " + label_value(hi) + "</text>\n";
  if (series.lo.size() == series.time.size() && series.hi.size() == series.time.size() && !series.time.empty()) {
    std::string band = "<path fill=\"rgba(31,119,180,0.25)\" d=\"";
    std::string back;
    bool open = false;
    for (std::size_t i = 0; i < series.time.size(); ++i) {
      if (!std::isfinite(series.lo[i]) || !std::isfinite(series.hi[i])) continue;
      band += (open ? "L" : "M") + num(f.x(series.time[i])) + "," + num(y(series.hi[i]));
      back = "L" + num(f.x(series.time[i])) + "," + num(y(series.lo[i])) + back;
      open = true;
    }
    s += band + back + "Z\"/>\n";
  }
  s += "<path fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1\" d=\"";
  bool pen = false;
  for (std::size_t i = 0; i < series.time.size(); ++i) {
    if (!std::isfinite(series.value[i])) {
      pen = false;
      continue;
    }
    s += (pen ? "L" : "M") + num(f.x(series.time[i])) + "," + num(y(series.value[i]));
    pen = true;
  }
  s += "\"/></g>\n";
}

void axis(std::string& s, const Frame& f, double top) {
  const DurationNs step = tick_step(static_cast<double>(f.to - f.from) / std::max(2.0, f.width / 150));
  for (TimeNs t = bucket_start(f.from, step) + (f.from % step ? step : 0); t < f.to; t += step) {
    const double x = f.x(t);
    std::string label = format_time(t);
    if (step % kDay == 0) label = label.substr(0, 10);
    s += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(top) + "\" y2=\"" + num(top + 5) + "\" stroke=\"#333\"/>";
    s += "<text x=\"" + num(x + 2) + "\" y=\"" + num(top + 17) + "\">" + label + "</text>\n";
  }
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_plot(const SvgPlot& p) {
  if (!(p.from < p.to)) throw UsageError("plot: the start must come before the end");
  if (plot_width(p) < 50) throw UsageError("plot: --width " + std::to_string(p.width) + " leaves no room to plot");
  const Frame f{p.from, p.to, static_cast<double>(kSvgLeft), static_cast<double>(plot_width(p))};
  const double height = kTop + static_cast<double>(p.panels.size()) * p.panel_height + kAxis;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(p.width) + "\" height=\"" +
                  num(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  s += "<text x=\"6\" y=\"18\" font-size=\"13\" font-weight=\"bold\">" + xml_escape(p.title) + "</text>";
  s += "<text x=\"" + num(f.left) + "\" y=\"18\" fill=\"#667\">" + format_time(p.from) + " .. " + format_time(p.to) + "</text>\n";
  for (std::size_t k = 0; k < p.panels.size(); ++k) panel(s, p, f, k, kTop + static_cast<double>(k) * p.panel_height);
  axis(s, f, kTop + static_cast<double>(p.panels.size()) * p.panel_height);
  return s + "</svg>\n";
}

std::string svg_heatmap(const std::string& title, const std::vector<std::string>& labels, const std::vector<double>& value) {
  const std::size_t n = labels.size();
  const double cell = n ? std::clamp(600.0 / static_cast<double>(n), 3.0, 18.0) : 10;
  const double left = 140, top = 26;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(left + cell * n + 10) + "\" height=\"" +
                  num(top + cell * n + 10) + "\" font-family=\"sans-serif\" font-size=\"" + num(std::min(11.0, cell)) + "\">\n";
  s += "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" + xml_escape(title) + "</text>\n";
  for (std::size_t i = 0; i < n; ++i) {
    if (cell >= 7) s += "<text x=\"4\" y=\"" + num(top + (i + 0.8) * cell) + "\">" + xml_escape(labels[i]) + "</text>";
    for (std::size_t j = 0; j < n; ++j) {
      const double v = value[i * n + j];
      if (!std::isfinite(v)) continue;
      s += "<rect x=\"" + num(left + j * cell) + "\" y=\"" + num(top + i * cell) + "\" width=\"" + num(cell) + "\" height=\"" +
           num(cell) + "\" fill=\"rgba(214,39,40," + label_value(std::clamp(v * 1.5, 0.0, 1.0)) + ")\"><title>" +
           xml_escape(labels[i] + " / " + labels[j] + ": " + label_value(v)) + "</title></rect>";
    }
    s += "\n";
  }
  return s + "</svg>\n";
}

}  // namespace telemine::io
