// Checks that a PNG holds a picture, not a blank page: decodes it (8-bit
// RGB or RGBA, as Chromium writes screenshots; zlib inflates the pixel
// data) and counts the pixels that differ from the page's background (the
// top-left pixel). Prints what it found; exits 0 when at least MIN_PERCENT
// (default 2) of the pixels are ink and at least 8 colours are used, 1 when
// blank, 2 when the file is not a PNG it can read.
// Usage: png_check FILE.png [MIN_PERCENT]

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <zlib.h>

namespace {

std::uint32_t be32(const unsigned char* p) { return (p[0] << 24U) | (p[1] << 16U) | (p[2] << 8U) | p[3]; }

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Undoes PNG's per-row filters in place; returns false on an unknown filter.
bool unfilter(std::vector<unsigned char>& data, std::size_t width, std::size_t height, std::size_t bpp,
              std::vector<unsigned char>& pixels) {
  const std::size_t stride = width * bpp;
  pixels.assign(stride * height, 0);
  for (std::size_t y = 0; y < height; ++y) {
    const unsigned char filter = data[y * (stride + 1)];
    const unsigned char* in = &data[y * (stride + 1) + 1];
    unsigned char* row = &pixels[y * stride];
    const unsigned char* up = y ? &pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? row[x - bpp] : 0, b = up ? up[x] : 0, c = (up && x >= bpp) ? up[x - bpp] : 0;
      int v = in[x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: v += paeth(a, b, c); break;
        default: return false;
      }
      row[x] = static_cast<unsigned char>(v);
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: png_check FILE.png [MIN_PERCENT]\n";
    return 2;
  }
  const double min_percent = argc > 2 ? std::atof(argv[2]) : 2.0;
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<unsigned char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (file.size() < 33 || file[1] != 'P' || file[2] != 'N' || file[3] != 'G') {
    std::cerr << "png_check: " << argv[1] << " is not a PNG\n";
    return 2;
  }
  std::size_t width = 0, height = 0, bpp = 0;
  std::vector<unsigned char> compressed;
  for (std::size_t at = 8; at + 8 <= file.size();) {
    const std::uint32_t length = be32(&file[at]);
    const std::string type(file.begin() + static_cast<long>(at) + 4, file.begin() + static_cast<long>(at) + 8);
    const unsigned char* body = &file[at + 8];
    if (at + 12 + length > file.size()) break;
    if (type == "IHDR") {
      width = be32(body), height = be32(body + 4);
      if (body[8] != 8 || (body[9] != 2 && body[9] != 6) || body[12] != 0) {
        std::cerr << "png_check: only 8-bit RGB/RGBA, non-interlaced PNGs are read\n";
        return 2;
      }
      bpp = body[9] == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), body, body + length);
    }
    at += 12 + length;
  }
  std::vector<unsigned char> raw(height * (width * bpp + 1));
  uLongf raw_size = raw.size();
  std::vector<unsigned char> pixels;
  if (!width || uncompress(raw.data(), &raw_size, compressed.data(), compressed.size()) != Z_OK ||
      raw_size != raw.size() || !unfilter(raw, width, height, bpp, pixels)) {
    std::cerr << "png_check: cannot decode " << argv[1] << "\n";
    return 2;
  }
  std::size_t ink = 0;
  std::set<std::uint32_t> colours;
  const std::uint32_t background = (pixels[0] << 16U) | (pixels[1] << 8U) | pixels[2];
  for (std::size_t i = 0; i < width * height; ++i) {
    const unsigned char* p = &pixels[i * bpp];
    const std::uint32_t rgb = (p[0] << 16U) | (p[1] << 8U) | p[2];
    if (rgb != background) ++ink;
    if (colours.size() < 1000) colours.insert(rgb);
  }
  const double percent = 100.0 * static_cast<double>(ink) / static_cast<double>(width * height);
  std::cout << "png_check: " << argv[1] << ": " << width << "x" << height << ", " << percent << "% ink, "
            << colours.size() << (colours.size() >= 1000 ? "+" : "") << " colours\n";
  return percent >= min_percent && colours.size() >= 8 ? 0 : 1;
}
