//===- HeatmapTest.cpp - The dependency heatmap is a valid PNG ------------===//

#include "ffn/Analysis/Heatmap.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <png.h>

using namespace mlir::ffn;

namespace {

/// Reads a PNG back with libpng: width, height, and the RGB at (x, y).
struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  std::array<int, 3> at(int x, int y) const {
    const uint8_t *p = rgb.data() + (static_cast<size_t>(y) * width + x) * 3;
    return {p[0], p[1], p[2]};
  }
};

Image readPng(const std::string &path) {
  Image image;
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str()))
    return image;
  png.format = PNG_FORMAT_RGB;
  image.rgb.resize(PNG_IMAGE_SIZE(png));
  if (png_image_finish_read(&png, nullptr, image.rgb.data(), 0, nullptr)) {
    image.width = png.width;
    image.height = png.height;
  }
  return image;
}

TEST(HeatmapTest, DrawsEveryPairWithItsColour) {
  DependencyReport report;
  report.runs = {{3, 6}};
  // Low dependency for (3, 4), high for (5, 6): opposite ends of the scale.
  report.dependency[{3, 4}] = {0.01, 0.01};
  report.dependency[{3, 5}] = {0.05, 0.05};
  report.dependency[{3, 6}] = {0.05, 0.05};
  report.dependency[{4, 5}] = {0.05, 0.05};
  report.dependency[{4, 6}] = {0.05, 0.05};
  report.dependency[{5, 6}] = {0.2, 0.2};

  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("heatmap", "png", path));
  ASSERT_FALSE(static_cast<bool>(writeHeatmap(report, path)));
  Image image = readPng(path.str().str());
  llvm::sys::fs::remove(path);
  ASSERT_GT(image.width, 0);

  // Cells are 56 pixels from (120, 96): (3, 4) is the top-left cell,
  // (5, 6) the bottom-right, (4, 4) below the diagonal is blank grey.
  std::array<int, 3> low = image.at(120 + 28, 96 + 28);
  std::array<int, 3> high = image.at(120 + 2 * 56 + 28, 96 + 2 * 56 + 28);
  std::array<int, 3> blank = image.at(120 + 28, 96 + 56 + 28);
  EXPECT_EQ(low, (std::array<int, 3>{68, 1, 84}));     // viridis' dark end
  EXPECT_EQ(high, (std::array<int, 3>{253, 231, 37})); // and its bright end
  EXPECT_EQ(blank, (std::array<int, 3>{235, 235, 235}));
}

TEST(HeatmapTest, RefusesAnEmptyReport) {
  DependencyReport report;
  EXPECT_TRUE(static_cast<bool>(
      llvm::errorToBool(writeHeatmap(report, "/dev/null"))));
}

} // namespace
