#include "util/printable.h"

#include <fmt/format.h>

namespace planner::util {

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t n = 0;
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) n = 2;
  else if ((lead >> 4) == 0xE) n = 3;
  else if ((lead >> 3) == 0x1E) n = 4;
  if (n == 0 || i + n > text.size()) return 0;
  char32_t code = lead & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  // No overlong forms, surrogates or code points beyond U+10FFFF.
  constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[n] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return 0;
  return n;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string escape_unprintable(std::string_view text, Newlines newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool control = n == 1 && (byte < 0x20 || byte == 0x7F) && !(byte == '\n' && newlines == Newlines::keep);
    if (n == 0 || control) {
      out += fmt::format("\\x{:02x}", byte);
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {
// The largest cut at or below `at` that does not split a UTF-8 sequence.
std::size_t boundary_at_or_before(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}
}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out = escape_unprintable(text);
  if (out.size() <= max_bytes) return out;
  // Two thirds from the start, one third from the end: a message's tail says what was expected.
  const std::size_t head = boundary_at_or_before(out, max_bytes * 2 / 3);
  const std::size_t tail = boundary_at_or_before(out, out.size() - max_bytes / 3);
  return fmt::format("{}...({} bytes cut)...{}", out.substr(0, head), tail - head, out.substr(tail));
}

}  // namespace planner::util
