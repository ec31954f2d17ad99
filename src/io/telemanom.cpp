#include "io/telemanom.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/csv_reader.hpp"
#include "io/npy.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> npy_stems(const fs::path& dir) {
  std::vector<std::string> stems;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".npy") stems.push_back(e.path().stem());
  std::sort(stems.begin(), stems.end());
  return stems;
}

}  // namespace

std::vector<std::string> list_telemanom_channels(const fs::path& dir) {
  for (const fs::path& need : {dir / "train", dir / "test", dir / "labeled_anomalies.csv"})
    if (!fs::exists(need)) throw IoError(dir.string() + ": not in the telemanom layout (no " + need.filename().string() + ")");
  const std::vector<std::string> channels = npy_stems(dir / "test");
  if (channels.empty()) throw IoError((dir / "test").string() + ": no .npy files");
  // A channel is its train and its test file: one without the other is an incomplete copy.
  const std::vector<std::string> trained = npy_stems(dir / "train");
  for (const auto& [have, in, missing] : {std::tuple{&channels, "test", "train"}, {&trained, "train", "test"}}) {
    const auto& other = have == &channels ? trained : channels;
    for (const auto& c : *have)
      if (!std::binary_search(other.begin(), other.end(), c))
        throw IoError((dir / in / (c + ".npy")).string() + ": no " + missing + "/" + c + ".npy beside it");
  }
  for (const auto& c : channels) {
    try {
      validate_name("parameter", c);
    } catch (const UsageError& e) {
      throw IoError((dir / "test" / (c + ".npy")).string() + ": " + e.what());
    }
  }
  return channels;
}

void check_label_channels(const fs::path& csv, const std::vector<TelemanomLabel>& labels,
                          const std::vector<std::string>& channels) {
  for (const auto& l : labels)
    if (!std::binary_search(channels.begin(), channels.end(), l.channel))
      throw IoError(csv.string() + ":" + std::to_string(l.line) + ": labels for channel '" + excerpt(l.channel) +
                    "', which has no test/" + excerpt(l.channel) + ".npy");
}

namespace {

// "[[5300, 5747], [6000, 6100]]" -> {5300, 5747, 6000, 6100}
std::vector<std::int64_t> parse_numbers(std::string_view text, const CsvReader& csv) {
  std::vector<std::int64_t> out;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    if (*p >= '0' && *p <= '9') {
      std::int64_t v = 0;
      auto [q, ec] = std::from_chars(p, end, v);
      if (ec != std::errc()) csv.fail("bad number in anomaly_sequences '" + excerpt(text) + "'");
      out.push_back(v);
      p = q;
    } else if (*p == '[' || *p == ']' || *p == ',' || *p == ' ') {
      ++p;
    } else {
      csv.fail("unexpected '" + excerpt(std::string_view(p, 1)) + "' in anomaly_sequences '" + excerpt(text) + "'");
    }
  }
  return out;
}

// "[contextual, point]" -> {"contextual", "point"}
std::vector<std::string> parse_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (c == '[' || c == ']' || c == '\'' || c == '"') continue;
    if (c == ',') {
      out.emplace_back(trim(word, kCellBlanks));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!trim(word, kCellBlanks).empty()) out.emplace_back(trim(word, kCellBlanks));
  return out;
}

}  // namespace

std::vector<TelemanomLabel> read_telemanom_labels(const fs::path& file) {
  CsvReader csv = CsvReader::open(file);
  std::vector<std::string_view> header;
  if (!csv.next(header)) csv.fail_at(1, "empty file");
  auto column = [&](std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (trim(header[i], kCellBlanks) == name) return i;
    csv.fail("no column '" + std::string(name) + "'");
  };
  const auto c_chan = column("chan_id"), c_seq = column("anomaly_sequences"), c_cls = column("class"),
             c_num = column("num_values");
  const std::size_t fields = header.size();
  std::vector<TelemanomLabel> labels;
  std::map<std::string, std::int64_t> num_values;
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    if (f.size() != fields)
      csv.fail("expected " + std::to_string(fields) + " fields, got " + std::to_string(f.size()));
    const auto bounds = parse_numbers(f[c_seq], csv);
    const auto classes = parse_words(f[c_cls]);
    if (bounds.size() % 2 != 0) csv.fail("anomaly_sequences must be [start, end] pairs");
    if (classes.size() != bounds.size() / 2)
      csv.fail(std::to_string(bounds.size() / 2) + " sequences but " + std::to_string(classes.size()) + " classes");
    std::int64_t rows = 0;
    const std::string num(trim(f[c_num], kCellBlanks));
    if (auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), rows);
        ec != std::errc() || p != num.data() + num.size() || rows < 0)
      csv.fail("bad num_values '" + excerpt(f[c_num]) + "'");
    const std::string chan(trim(f[c_chan], kCellBlanks));
    for (std::size_t i = 0; i < bounds.size(); i += 2) {
      if (bounds[i] > bounds[i + 1] || bounds[i + 1] >= rows)
        csv.fail("sequence [" + std::to_string(bounds[i]) + ", " + std::to_string(bounds[i + 1]) +
                 "] is not within the " + std::to_string(rows) + " test rows");
      labels.push_back({chan, bounds[i], bounds[i + 1], classes[i / 2], 0, csv.line()});
    }
    // A channel listed twice (SMAP's P-2) must agree on its test length, or its labels could
    // fall outside the rows it really has.
    if (const auto seen = num_values.find(chan); seen != num_values.end() && seen->second != rows)
      csv.fail("channel " + excerpt(chan) + " has " + std::to_string(rows) + " test rows here but " +
               std::to_string(seen->second) + " on an earlier line");
    num_values[chan] = rows;
  }
  // Overlapping or touching sequences of one channel become one (P-2 is listed twice in SMAP).
  std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) {
    return std::tie(a.channel, a.first_row, a.last_row) < std::tie(b.channel, b.first_row, b.last_row);
  });
  std::vector<TelemanomLabel> merged;
  for (auto& l : labels) {
    if (!merged.empty() && merged.back().channel == l.channel && l.first_row <= merged.back().last_row + 1) {
      TelemanomLabel& m = merged.back();
      m.last_row = std::max(m.last_row, l.last_row);
      std::set<std::string> classes;
      for (const auto& c : parse_words(m.cls + "," + l.cls)) classes.insert(c);
      std::string joined;
      for (const auto& c : classes) joined += (joined.empty() ? "" : "+") + c;
      m.cls = joined;
    } else {
      merged.push_back(std::move(l));
    }
  }
  for (auto& m : merged) m.num_values = num_values[m.channel];
  return merged;
}

namespace {

// As the CSV readers: NaN marks an invalid sample, infinity is not telemetry.
void refuse_infinite(const fs::path& file, const NpyArray& a) {
  for (std::size_t i = 0; i < a.data.size(); ++i)
    if (std::isinf(a.data[i]))
      throw IoError(file.string() + ": row " + std::to_string(static_cast<std::int64_t>(i) / a.cols()) + ", column " +
                    std::to_string(static_cast<std::int64_t>(i) % a.cols()) +
                    ": infinite value not allowed (NaN marks an invalid sample)");
}

}  // namespace

IngestBatch read_telemanom_channel(const fs::path& dir, const std::string& channel, DurationNs period,
                                   const std::vector<TelemanomLabel>& labels) {
  IngestBatch batch;
  const fs::path train_file = dir / "train" / (channel + ".npy");
  const fs::path test_file = dir / "test" / (channel + ".npy");
  NpyArray train;
  const bool has_train = fs::exists(train_file);
  if (has_train) train = read_npy(train_file);
  const NpyArray test = read_npy(test_file);
  for (const NpyArray* a : std::initializer_list<const NpyArray*>{&train, &test}) {
    if (a == &train && !has_train) continue;
    if (a->shape.size() != 2 || a->cols() < 1)
      throw IoError((a == &train ? train_file : test_file).string() + ": expected a 2-d array (rows, columns)");
  }
  if (has_train && train.cols() != test.cols())
    throw IoError(train_file.string() + ": " + std::to_string(train.cols()) + " columns, but " + test_file.string() +
                  " has " + std::to_string(test.cols()));
  if (period <= 0) throw UsageError("telemanom: --period must be positive");
  // Divisions, not products: a long period times many rows would overflow int64 and wrap.
  if (has_train && train.rows() > (kTelemanomTestEpoch - kTelemanomTrainEpoch) / period)
    throw IoError(train_file.string() + ": " + std::to_string(train.rows()) + " rows at " + format_duration(period) +
                  " run past the test epoch 2001-01-01; use a shorter --period");
  if (test.rows() > (kTimeLast - kTelemanomTestEpoch) / period + 1)
    throw IoError(test_file.string() + ": " + std::to_string(test.rows()) + " rows at " + format_duration(period) +
                  " run past " + format_time(kTimeLast) + "; use a shorter --period");
  if (has_train) refuse_infinite(train_file, train);
  refuse_infinite(test_file, test);

  const std::string subsystem = channel.substr(0, channel.find('-'));
  const auto cols = test.cols();
  for (std::int64_t k = 0; k < cols; ++k) {
    ParamInfo p;
    p.name = k == 0 ? channel : channel + ".cmd" + std::to_string(k);
    p.subsystem = subsystem;
    p.kind = k == 0 ? ParamKind::numeric : ParamKind::state;
    p.description = k == 0 ? "telemanom channel " + channel + ", column 0 (scaled telemetry)"
                           : "telemanom channel " + channel + ", command flag column " + std::to_string(k);
    Series& s = batch.samples[p.name];
    s.reserve(static_cast<std::size_t>((has_train ? train.rows() : 0) + test.rows()));
    if (has_train)
      for (std::int64_t i = 0; i < train.rows(); ++i) {
        s.time.push_back(kTelemanomTrainEpoch + i * period);
        s.value.push_back(train.at(i, k));
      }
    for (std::int64_t i = 0; i < test.rows(); ++i) {
      s.time.push_back(kTelemanomTestEpoch + i * period);
      s.value.push_back(test.at(i, k));
    }
    batch.params.push_back(std::move(p));
  }
  batch.rows = (has_train ? train.rows() : 0) + test.rows();

  for (const auto& l : labels) {
    if (l.channel != channel) continue;
    if (l.num_values != test.rows())
      throw IoError(test_file.string() + ": " + std::to_string(test.rows()) + " rows, but labeled_anomalies.csv says " +
                    std::to_string(l.num_values));
    Event e;
    e.start = kTelemanomTestEpoch + l.first_row * period;
    e.end = kTelemanomTestEpoch + (l.last_row + 1) * period;
    e.kind = "anomaly";
    e.param = channel;
    e.cls = l.cls;
    e.text = "labelled anomaly rows " + std::to_string(l.first_row) + "-" + std::to_string(l.last_row) + " of test/" +
             channel + ".npy";
    batch.events.push_back(std::move(e));
  }
  return batch;
}

}  // namespace telemine::io
