#pragma once
/// \file report.html: a self-contained page (inline SVG and CSS, no script, nothing fetched)
/// beside a job's outputs, with the views of the server's product page: statistics as min..max
/// bands, the dependency pairs and their NMI heat map, novelty detections with their score,
/// contributors and the series around them. Read from product.json and the documented outputs.

#include <filesystem>

namespace telemine::io {

/// Writes FOLDER/report.html atomically from FOLDER/product.json and the outputs it lists.
/// `archive` (optional) supplies the series around novelty detections. Returns false, writing
/// nothing, for products without a report (a campaign: its tasks have theirs). Throws IoError
/// naming the file when product.json or an output cannot be read.
bool write_report(const std::filesystem::path& folder, const std::filesystem::path& archive = {});

}  // namespace telemine::io
