#pragma once
/// \file The one CSV reader (RFC 4180) behind every CSV input: ingest (csv-long, csv-wide),
/// telemanom labels and evaluate's detections.
///
/// Fields are separated by `,`; a field may be quoted with `"`, inside which `,`, CR, LF and
/// `""` (one quote) are text. Records end with LF or CRLF; a final line end is optional; lines
/// holding only spaces and tabs are skipped. Errors are IoError `FILE:LINE: <what>`, with any
/// input text in them cut short (core `excerpt`).
///
/// ```
/// CsvReader csv = CsvReader::open("labels.csv");
/// std::vector<std::string_view> f;
/// while (csv.next(f))
///   if (f.size() != 3) csv.fail("expected 3 fields, got " + std::to_string(f.size()));
/// ```

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telemine::io {

class CsvReader {
 public:
  /// Reads `file` whole. Throws IoError naming it when it cannot be opened or read.
  static CsvReader open(const std::filesystem::path& file);
  /// A reader over text in memory; `file` is the name used in messages.
  CsvReader(std::string text, std::filesystem::path file);

  /// Reads the next record into `fields` (unquoted, unescaped); false at the end of the text.
  /// The views stay valid until the next call. Throws IoError for a quoted field that is never
  /// closed, or text between a closing quote and the next separator.
  bool next(std::vector<std::string_view>& fields);

  /// Line (from 1) on which the record last returned by next() starts.
  int line() const noexcept { return record_line_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  /// Throws IoError `FILE:LINE: what` for the record last returned by next().
  [[noreturn]] void fail(std::string_view what) const;
  /// The same for a given line.
  [[noreturn]] void fail_at(int line, std::string_view what) const;

 private:
  bool next_quoted(std::vector<std::string_view>& fields);

  std::string text_;
  std::filesystem::path file_;
  std::size_t pos_ = 0;
  int line_ = 1;         // line of text_[pos_]
  int record_line_ = 0;  // line where the last record started
  std::string scratch_;  // unescaped quoted records
  std::vector<std::pair<std::size_t, std::size_t>> spans_;
};

}  // namespace telemine::io
