#include "io/svg.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

using namespace telemine;
using namespace telemine::io;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

SvgPlot two_panels() {
  SvgPlot p;
  p.title = "A & <B>";
  p.from = 0;
  p.to = 100 * kSecond;
  p.width = 600;
  p.panels.push_back(SvgSeries{"A", "V", {0, 10 * kSecond, 20 * kSecond, 30 * kSecond}, {1, NAN, 2, 3}, {}, {}});
  p.panels.push_back(SvgSeries{"B", "", {}, {}, {}, {}});
  p.intervals.push_back(SvgInterval{5 * kSecond, 15 * kSecond, "anomaly", "A", "spike"});
  p.intervals.push_back(SvgInterval{50 * kSecond, 60 * kSecond, "detection", "", "score 2"});
  return p;
}

TEST(Svg, PanelsLinesBrokenAtInvalidSamplesIntervalsAndEscapes) {
  const std::string s = svg_plot(two_panels());
  EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(s.find("A &amp; &lt;B&gt;"), std::string::npos);
  EXPECT_EQ(count(s, "<path fill=\"none\""), 1u);  // B has no samples: no line
  EXPECT_NE(s.find("no samples"), std::string::npos);
  EXPECT_NE(s.find("d=\"M"), std::string::npos);
  // The NaN breaks A's line in two: two moves.
  const auto line = s.substr(s.find("<path fill=\"none\""));
  EXPECT_EQ(count(line.substr(0, line.find("/>")), "M"), 2u);
  EXPECT_EQ(count(s, "<title>anomaly spike</title>"), 1u);      // only on A's panel
  EXPECT_EQ(count(s, "<title>detection score 2</title>"), 2u);  // every panel
}

TEST(Svg, BandsAndBadRanges) {
  SvgPlot p = two_panels();
  p.panels[0].lo = {0, NAN, 1, 2};
  p.panels[0].hi = {2, NAN, 3, 4};
  EXPECT_NE(svg_plot(p).find("rgba(31,119,180,0.25)"), std::string::npos);
  p.to = p.from;
  EXPECT_THROW(svg_plot(p), UsageError);
  p = two_panels();
  p.width = 100;
  EXPECT_THROW(svg_plot(p), UsageError);
}

TEST(Svg, HeatmapDrawsEveryDefinedCell) {
  const std::string s = svg_heatmap("nmi", {"a", "b", "c"}, {NAN, 0.5, 0.1, 0.5, NAN, 0.9, 0.1, 0.9, NAN});
  EXPECT_EQ(count(s, "<rect"), 6u);
  EXPECT_NE(s.find("b / c: 0.9"), std::string::npos);
  EXPECT_EQ(xml_escape("a\"'<>&"), "a&quot;&#39;&lt;&gt;&amp;");
}

}  // namespace
