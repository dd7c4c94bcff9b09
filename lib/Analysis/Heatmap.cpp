//===- Heatmap.cpp - Drawing the dependency matrix ------------------------===//
//
// A small raster canvas with a 5x7 bitmap font, written out with libpng
// (a well-kept PNG encoder beats writing zlib streams by hand).
//
//===----------------------------------------------------------------------===//

#include "ffn/Analysis/Heatmap.h"
#include "ffn/Support/Output.h"

#include "llvm/Support/FormatVariadic.h"

#include <png.h>

#include <array>
#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::ffn;

namespace {

using RGB = std::array<uint8_t, 3>;

/// 5x7 glyphs, one string of 35 cells per character ('#' is ink).
const char *glyph(char c) {
  switch (c) {
  case '0': return " ### #   ##  ### # ###  ##   # ### ";
  case '1': return "  #   ##    #    #    #    #   ### ";
  case '2': return " ### #   #    #   #   #   #   #####";
  case '3': return "#####   #   #     #     ##   # ### ";
  case '4': return "   #   ##  # # #  # #####   #    # ";
  case '5': return "######    ####     #    ##   # ### ";
  case '6': return "  ##  #   #    #### #   ##   # ### ";
  case '7': return "#####    #   #   #   #    #    #   ";
  case '8': return " ### #   ##   # ### #   ##   # ### ";
  case '9': return " ### #   ##   # ####    #   #  ##  ";
  case '.': return "                          ##   ##  ";
  case '-': return "               #####               ";
  case ',': return "                     ##    #   #   ";
  case ':': return "      ##   ##        ##   ##       ";
  case '(': return "   #   #   #    #    #     #     # ";
  case ')': return " #     #     #    #    #   #   #   ";
  case '[': return " ###  #    #    #    #    #    ### ";
  case ']': return " ###    #    #    #    #    #  ### ";
  case '=': return "          #####     #####          ";
  case 'A': return " ### #   ##   #######   ##   ##   #";
  case 'B': return "#### #   ##   ##### #   ##   ##### ";
  case 'C': return " ### #   ##    #    #    #   # ### ";
  case 'D': return "#### #   ##   ##   ##   ##   ##### ";
  case 'E': return "######    #    #### #    #    #####";
  case 'F': return "######    #    #### #    #    #    ";
  case 'G': return " ### #   ##    # ####   ##   # ####";
  case 'H': return "#   ##   ##   #######   ##   ##   #";
  case 'I': return " ###   #    #    #    #    #   ### ";
  case 'J': return "  ###   #    #    #    # #  #  ##  ";
  case 'K': return "#   ##  # # #  ##   # #  #  # #   #";
  case 'L': return "#    #    #    #    #    #    #####";
  case 'M': return "#   ### ### # ## # ##   ##   ##   #";
  case 'N': return "#   ##   ###  ## # ##  ###   ##   #";
  case 'O': return " ### #   ##   ##   ##   ##   # ### ";
  case 'P': return "#### #   ##   ##### #    #    #    ";
  case 'R': return "#### #   ##   ##### # #  #  # #   #";
  case 'S': return " #####    #     ###     #    ##### ";
  case 'T': return "#####  #    #    #    #    #    #  ";
  case 'U': return "#   ##   ##   ##   ##   ##   # ### ";
  case 'V': return "#   ##   ##   ##   ##   # # #   #  ";
  case 'W': return "#   ##   ##   ## # ## # ## # # # # ";
  case 'X': return "#   ##   # # #   #   # # #   ##   #";
  case 'Y': return "#   ##   # # #   #    #    #    #  ";
  default: return nullptr;
  }
}

class Canvas {
public:
  Canvas(int width, int height)
      : width(width), height(height), pixels(width * height, {255, 255, 255}) {}

  void fill(int x0, int y0, int w, int h, RGB color) {
    for (int y = std::max(0, y0); y < std::min(height, y0 + h); ++y)
      for (int x = std::max(0, x0); x < std::min(width, x0 + w); ++x)
        pixels[y * width + x] = color;
  }
  void frame(int x0, int y0, int w, int h, int thickness, RGB color) {
    fill(x0, y0, w, thickness, color);
    fill(x0, y0 + h - thickness, w, thickness, color);
    fill(x0, y0, thickness, h, color);
    fill(x0 + w - thickness, y0, thickness, h, color);
  }
  /// Text at scale `s` (each font cell is s x s pixels).
  void text(int x, int y, llvm::StringRef s, int scale = 2) {
    for (char c : s) {
      if (const char *g = glyph(c))
        for (int r = 0; r < 7; ++r)
          for (int col = 0; col < 5; ++col)
            if (g[r * 5 + col] == '#')
              fill(x + col * scale, y + r * scale, scale, scale, {0, 0, 0});
      x += 6 * scale;
    }
  }
  static int textWidth(llvm::StringRef s, int scale = 2) {
    return s.size() * 6 * scale;
  }

  llvm::Error write(llvm::StringRef path) const {
    ffnsupport::OutputFile file;
    if (std::string error = file.open(path.str()); !error.empty())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
      png_destroy_write_struct(&png, &info);
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "cannot encode PNG '" + path + "'");
    }
    png_init_io(png, file.stream());
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y)
      png_write_row(png, reinterpret_cast<png_const_bytep>(
                             pixels.data() + static_cast<size_t>(y) * width));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    if (std::string error = file.commit(); !error.empty())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
    return llvm::Error::success();
  }

private:
  int width, height;
  std::vector<RGB> pixels;
};

/// Viridis, interpolated between five anchors; t in [0, 1].
RGB viridis(double t) {
  static const double anchors[5][3] = {{68, 1, 84},
                                       {59, 82, 139},
                                       {33, 145, 140},
                                       {94, 201, 98},
                                       {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  int k = std::min(3, static_cast<int>(t));
  double f = t - k;
  RGB color;
  for (int c = 0; c < 3; ++c)
    color[c] = static_cast<uint8_t>(anchors[k][c] +
                                    f * (anchors[k + 1][c] - anchors[k][c]));
  return color;
}

} // namespace

llvm::Error mlir::ffn::writeHeatmap(const DependencyReport &report,
                                    llvm::StringRef path) {
  if (report.dependency.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no dependencies to draw");
  unsigned lo = report.runs.front().first, hi = report.runs.back().second;
  double minValue = INFINITY, maxValue = 0;
  for (const auto &[pair, d] : report.dependency) {
    minValue = std::min(minValue, std::max(d.meanToken, 1e-6));
    maxValue = std::max(maxValue, std::max(d.meanToken, 1e-6));
  }
  double logMin = std::log10(minValue), logMax = std::log10(maxValue);
  if (logMax - logMin < 1e-9)
    logMax = logMin + 1;

  const int cell = 56, left = 120, top = 96, legendWidth = 28;
  unsigned n = hi - lo;
  int gridW = cell * n, gridH = cell * n;
  Canvas canvas(std::max(left + gridW + 150,
                         16 + Canvas::textWidth("M[I,J]: MEAN OVER TOKENS OF 1 - COS")),
                top + gridH + 70);
  canvas.text(8, 12, "M[I,J]: MEAN OVER TOKENS OF 1 - COS");
  canvas.text(left, 44, "J: AFFECTED BLOCK");
  canvas.text(8, top - 24, "I: DROPPED");

  // Rows i = lo..hi-1, columns j = lo+1..hi.
  for (unsigned i = lo; i < hi; ++i) {
    int y = top + (i - lo) * cell;
    std::string label = std::to_string(i);
    canvas.text(left - 12 - Canvas::textWidth(label), y + cell / 2 - 7, label);
    for (unsigned j = lo + 1; j <= hi; ++j) {
      int x = left + (j - lo - 1) * cell;
      auto it = report.dependency.find({i, j});
      if (it == report.dependency.end()) {
        canvas.fill(x, y, cell, cell, {235, 235, 235});
        continue;
      }
      double v = std::max(it->second.meanToken, 1e-6);
      canvas.fill(x, y, cell, cell,
                  viridis((std::log10(v) - logMin) / (logMax - logMin)));
    }
  }
  for (unsigned j = lo + 1; j <= hi; ++j) {
    std::string label = std::to_string(j);
    canvas.text(left + (j - lo - 1) * cell + cell / 2 -
                    Canvas::textWidth(label) / 2,
                top - 20, label);
  }
  // Outline each run's part of the matrix.
  for (auto [first, last] : report.runs)
    canvas.frame(left + (first - lo) * cell, top + (first - lo) * cell,
                 (last - first) * cell, (last - first) * cell, 3, {0, 0, 0});

  // Logarithmic legend.
  int legendX = left + gridW + 24;
  for (int y = 0; y < gridH; ++y)
    canvas.fill(legendX, top + y, legendWidth, 1,
                viridis(1.0 - static_cast<double>(y) / std::max(1, gridH - 1)));
  canvas.frame(legendX, top, legendWidth, gridH, 1, {0, 0, 0});
  canvas.text(legendX + legendWidth + 6, top,
              llvm::formatv("{0:f3}", maxValue).str());
  canvas.text(legendX + legendWidth + 6, top + gridH - 14,
              llvm::formatv("{0:f3}", minValue).str());
  canvas.text(legendX - 8, top + gridH + 12, "LOG SCALE");
  return canvas.write(path);
}
