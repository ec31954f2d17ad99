#include "serve/api.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "core/comm.hpp"
#include "jobs/generate.hpp"
#include "serve/gzip.hpp"
#include "serve/products.hpp"

using namespace telemine;
using namespace telemine::serve;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One generated archive (1 mission, 1 day at 1 min) and a products folder for every test.
class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("telemine-api-test-" + std::to_string(::getpid()));
    jobs::GenerateOptions g;
    g.archive = root_ / "archive";
    g.missions = 1;
    g.params = 20;
    g.days = 1;
    g.rate = kMinute;
    g.progress = false;
    jobs::generate(g, Comm::local());
    fs::create_directories(root_ / "products" / "p1");
    std::ofstream(root_ / "products" / "p1" / "product.json")
        << R"({"product": "telemine stats", "outputs": [{"file": "stats.csv"}, {"file": "../secret"}]})";
    std::ofstream(root_ / "products" / "p1" / "stats.csv") << "mission,param\n";
    std::ofstream(root_ / "products" / "p1" / "other.csv") << "not listed\n";
    std::ofstream(root_ / "products" / "secret") << "outside\n";
    fs::create_symlink(root_ / "products" / "secret", root_ / "products" / "p1" / "link.csv");
    api_ = Api::open(ApiOptions{root_ / "archive", root_ / "products", 500, 10'000}).release();
  }
  static void TearDownTestSuite() {
    delete api_;
    fs::remove_all(root_);
  }
  static Response get(const std::string& path, std::map<std::string, std::string> query = {}) {
    return api_->handle(Request{"GET", path, std::move(query)});
  }
  static fs::path root_;
  static Api* api_;
};
fs::path ApiTest::root_;
Api* ApiTest::api_ = nullptr;

TEST_F(ApiTest, MissionsParametersAndErrorsAsJson) {
  auto r = get("/api/missions");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)[0]["name"], "SYN1");
  r = get("/api/missions/SYN1/parameters");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).size(), 20u);
  r = get("/api/missions/NOPE/parameters");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(json::parse(r.body)["error"].get<std::string>().find("NOPE"), std::string::npos);
  EXPECT_EQ(api_->handle(Request{"DELETE", "/api/missions", {}}).status, 405);
}

TEST_F(ApiTest, DecimatedAndRawSamplesAndTheirBounds) {
  const std::string p = "/api/missions/SYN1/parameters/POWER_BUS_I/samples";
  auto r = get(p, {{"points", "50"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_TRUE(j["decimated"].get<bool>());
  EXPECT_LE(j["count"].get<int>(), 200);
  EXPECT_EQ(j["t"].size(), j["v"].size());
  EXPECT_EQ(get(p).status, 413);  // 1,440 samples, more than the 500 allowed here
  EXPECT_EQ(get(p, {{"from", "2026-01-01T00:00:00Z"}, {"to", "2026-01-01T01:00:00Z"}}).status, 200);
  for (const char* bad : {"0", "-1", "10001", "12abc", "", "1e3"}) EXPECT_EQ(get(p, {{"points", bad}}).status, 400) << bad;
  EXPECT_EQ(get(p, {{"from", "soon"}}).status, 400);
  EXPECT_EQ(get(p, {{"format", "xml"}}).status, 400);
}

// zlib's own inflate, as a browser would undo Content-Encoding: gzip.
std::string gunzip(const std::string& z) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
  s.avail_in = static_cast<uInt>(z.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  inflateEnd(&s);
  return out;
}

TEST_F(ApiTest, BigAnswersGzippedForClientsThatAcceptIt) {
  const std::string p = "/api/missions/SYN1/parameters/POWER_BUS_I/samples";
  const std::map<std::string, std::string> day = {{"from", "2026-01-01T00:00:00Z"}, {"to", "2026-01-01T06:00:00Z"}};
  const Response plain = get(p, day);
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.encoding.empty());
  for (int twice = 0; twice < 2; ++twice) {  // computed, then from the cache
    const Response z = api_->handle(Request{"GET", p, day, true});
    ASSERT_EQ(z.encoding, "gzip");
    EXPECT_LT(z.body.size(), plain.body.size());
    EXPECT_EQ(gunzip(z.body), plain.body);
  }
  EXPECT_TRUE(api_->handle(Request{"GET", "/api/missions", {}, true}).encoding.empty());  // small answers as they are
  EXPECT_EQ(gunzip(gzip("", 1)), "");
}

TEST(GzipTest, AcceptEncodingHeader) {
  for (const char* yes : {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", " deflate , gzip "})
    EXPECT_TRUE(accepts_gzip(yes)) << yes;
  for (const char* no : {"", "br", "deflate", "gzip;q=0", "gzip;q=0.000", "x-gzip2"}) EXPECT_FALSE(accepts_gzip(no)) << no;
}

TEST_F(ApiTest, ValuesAtAnInstant) {
  auto r = get("/api/missions/SYN1/values", {{"at", "2026-01-01T12:00:30Z"}, {"params", "POWER_BUS_I"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json v = json::parse(r.body)["values"][0];
  EXPECT_EQ(v["time"], "2026-01-01T12:00:00Z");
  EXPECT_TRUE(v["value"].is_number());
  EXPECT_EQ(get("/api/missions/SYN1/values").status, 400);
  EXPECT_EQ(get("/api/missions/SYN1/values", {{"at", "2026-01-01"}, {"params", "POWER_BUS_I,NOPE"}}).status, 404);
}

TEST_F(ApiTest, NamesNeverBecomePaths) {
  for (const char* path : {"/api/missions/../archive/parameters", "/api/missions/SYN1/../../secret",
                           "/api/missions/SYN1/parameters/../../catalog.h5/samples", "/api/missions/./parameters",
                           "/api/products/p1/files/../secret", "/api/products/../files/secret", "/api", "/"})
    EXPECT_EQ(get(path).status, 404) << path;
}

TEST_F(ApiTest, OnlyListedRegularProductFilesAreServed) {
  auto r = get("/api/products");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)[0]["id"], "p1");
  EXPECT_EQ(get("/api/products/p1/files/stats.csv").status, 200);
  EXPECT_EQ(get("/api/products/p1/files/other.csv").status, 404);   // not in product.json
  EXPECT_EQ(get("/api/products/p1/files/..%2Fsecret").status, 404);
  EXPECT_EQ(get("/api/products/p1/files/link.csv").status, 404);    // a symlink out of the folder
  EXPECT_EQ(get("/api/products/nope").status, 404);
}

TEST(ProductsTest, ContentTypes) {
  EXPECT_EQ(content_type_of("a/stats.csv"), "text/csv");
  EXPECT_EQ(content_type_of("report.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_of("pairs.h5"), "application/octet-stream");
}

}  // namespace
