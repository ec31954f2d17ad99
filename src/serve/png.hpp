#pragma once
/// \file SVG to PNG, for `telemine plot --output F.png`: librsvg (Debian's librsvg2) draws the
/// plot's own SVG into a cairo image, so the PNG shows exactly what the SVG does.

#include <string>
#include <string_view>

namespace telemine::serve {

/// The PNG file's bytes for `svg`, drawn at its own width and height (scale 1). Throws IoError
/// when librsvg cannot read the SVG or cairo cannot encode the image.
std::string svg_to_png(std::string_view svg);

}  // namespace telemine::serve
