#include "jobs/products/catalogue.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/json.hpp"
#include "jobs/products/product_fixture.hpp"

namespace telemine::jobs::products {
namespace {

using test::TempDir;

TEST(FtsQuery, QuotesEveryWordSoThatPunctuationIsText) {
  EXPECT_EQ(fts_query("stats.bucket  1h"), "\"stats.bucket\" \"1h\"");
  EXPECT_EQ(fts_query("say \"hi\""), "\"say\" \"\"\"hi\"\"\"");
  EXPECT_EQ(fts_query("   "), "");
}

struct CatalogueTest : ::testing::Test {
  TempDir tmp;
  void SetUp() override {
    test::write_product(tmp / "p/a", "stats", "SYN1", "POWER_BUS_V", "kind = stats\n[stats]\nbucket = 1d\n");
    test::write_product(tmp / "p/b", "novelty", "SYN2", "THERM_T1", "kind = novelty\n# nightly run\n",
                        "2026-04-01T00:00:00Z");
    test::write_product(tmp / "p/b/.checkpoints/c", "stats", "SYN1", "X", "");  // hidden: not a product
  }
};

TEST_F(CatalogueTest, IndexesEveryProductFolderAndSearchesBySeveralKeys) {
  auto c = Catalogue::open(tmp / "i.sqlite", true);
  const auto r = c.index({tmp / "p"}, false);
  EXPECT_EQ(r.products, 2);
  EXPECT_EQ(c.search({}).size(), 2u);
  Query q;
  q.kind = "novelty";
  ASSERT_EQ(c.search(q).size(), 1u);
  EXPECT_EQ(c.search(q)[0].missions, "SYN2");
  q = {};
  q.param = "POWER_*";
  EXPECT_EQ(c.search(q).size(), 1u);
  q = {};
  q.key = "stats.bucket";
  q.value = "1d";
  EXPECT_EQ(c.search(q).size(), 1u);
  q = {};
  q.text = "nightly";
  EXPECT_EQ(c.search(q).size(), 1u);
  q.text = "power unit";  // in a parameter's description
  EXPECT_EQ(c.search(q).size(), 2u);
  q = {};
  q.created_from = parse_time("2026-03-15");
  EXPECT_EQ(c.search(q).size(), 1u);
  q = {};
  q.from = parse_time("2026-01-02");
  EXPECT_EQ(c.search(q).size(), 0u) << "the inputs cover [2026-01-01, 2026-01-02)";
}

TEST_F(CatalogueTest, FindsByIdPrefixAndRejectsUnknownOnes) {
  auto c = Catalogue::open(tmp / "i.sqlite", true);
  c.index({tmp / "p"}, false);
  const auto rows = c.search({});
  EXPECT_EQ(c.find(rows[0].id.substr(0, 8)), rows[0].dir);
  EXPECT_THROW(c.find("zzzz"), UsageError);
}

TEST_F(CatalogueTest, ADamagedProductLeavesTheIndexAsItWas) {
  auto c = Catalogue::open(tmp / "i.sqlite", true);
  c.index({tmp / "p"}, false);
  test::write_text(tmp / "p/a/product.json", "{\"product\": ");
  std::filesystem::remove_all(tmp / "p/b");
  EXPECT_THROW(c.index({}, false), IoError);
  EXPECT_EQ(c.search({}).size(), 2u) << "nothing changed";
  const auto r = c.index({}, true);
  EXPECT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(c.search({}).size(), 0u);
}

TEST_F(CatalogueTest, AFolderWithoutProductsIsBadUsage) {
  auto c = Catalogue::open(tmp / "i.sqlite", true);
  std::filesystem::create_directories(tmp / "empty");
  EXPECT_THROW(c.index({tmp / "empty"}, false), UsageError);
  EXPECT_THROW(Catalogue::open(tmp / "none.sqlite", false), UsageError);
}

}  // namespace
}  // namespace telemine::jobs::products
