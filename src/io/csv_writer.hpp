#pragma once
/// \file The one CSV writer (RFC 4180) behind every CSV output (stats.csv, pairs.csv, top.csv,
/// detections.csv, campaign.csv, `telemine get --format csv`).
///
/// A field holding `,`, `"`, CR or LF is quoted, its quotes doubled; any other field is written
/// as it is, so that ordinary names stay readable. Numbers use the exact formatters: a double is
/// the shortest text that parses back to the same bits (`nan` for an invalid value), a time is
/// ISO-8601 to the nanosecond (core `format_time`). Records end with LF (RFC 4180 allows it for
/// files; every reader here and pandas, DuckDB and Python's csv read it). CsvReader reads back
/// exactly what this writes.
///
/// ```
/// io::TextFile file(product.staging("pairs.csv"));
/// io::CsvWriter csv(file);
/// csv.header({"param_a", "param_b", "mi"});
/// for (const auto& r : rows) csv.field(r.a).field(r.b).field(r.mi).end_row();
/// file.close();
/// ```

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace telemine::io {

class TextFile;

/// Appends `text` to `out` as one CSV field (quoted only when it must be).
void append_csv_field(std::string& out, std::string_view text);
/// Appends `v` as the shortest text that parses back to the same double, or `nan`.
void append_csv_number(std::string& out, double v);

/// Writes CSV records into a string buffer, or into a TextFile (flushed as its buffer fills).
/// The separator before each field after the first of a row is added for you.
class CsvWriter {
 public:
  /// Appends to `out` (for example a whole file built in memory).
  explicit CsvWriter(std::string& out) noexcept : out_(&out) {}
  /// Appends to `file`'s buffer, and lets it write the buffer out at the end of a row once full.
  explicit CsvWriter(TextFile& file) noexcept;

  /// One text field.
  CsvWriter& field(std::string_view text);
  CsvWriter& field(const char* text) { return field(std::string_view(text)); }
  CsvWriter& field(const std::string& text) { return field(std::string_view(text)); }
  /// One number, exact: shortest round-trip form, `nan` for NaN.
  CsvWriter& field(double v);
  CsvWriter& field(std::int64_t v);
  CsvWriter& field(int v) { return field(static_cast<std::int64_t>(v)); }
  /// One time as ISO-8601 UTC, exact to the nanosecond.
  CsvWriter& time(TimeNs t);
  /// An empty field (no value).
  CsvWriter& empty();
  /// Ends the record.
  void end_row();
  /// A whole record of text fields (a header).
  void header(std::initializer_list<std::string_view> names);

 private:
  void separate() {
    if (!first_) *out_ += ',';
    first_ = false;
  }
  std::string* out_;
  TextFile* file_ = nullptr;
  bool first_ = true;
};

}  // namespace telemine::io
