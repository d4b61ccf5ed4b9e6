#include "cli/printable_stream.h"

#include "util/printable.h"

namespace planner::cli {

PrintableStreamBuf::PrintableStreamBuf(std::ostream& target, std::size_t max_line_bytes)
    : target_(target), max_line_bytes_(max_line_bytes) {}

PrintableStreamBuf::~PrintableStreamBuf() { sync(); }

void PrintableStreamBuf::emit_line() {
  const bool newline = !line_.empty() && line_.back() == '\n';
  if (newline) line_.pop_back();
  target_ << (max_line_bytes_ > 0 ? util::printable(line_, max_line_bytes_) : util::escape_unprintable(line_));
  if (newline) target_ << '\n';
  line_.clear();
}

PrintableStreamBuf::int_type PrintableStreamBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  line_ += traits_type::to_char_type(c);
  if (line_.back() == '\n') emit_line();
  return c;
}

std::streamsize PrintableStreamBuf::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i) {
    line_ += s[i];
    if (s[i] == '\n') emit_line();
  }
  return n;
}

int PrintableStreamBuf::sync() {
  if (!line_.empty()) emit_line();
  target_.flush();
  return 0;
}

}  // namespace planner::cli
