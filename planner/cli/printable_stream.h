#pragma once
// An output stream filter: every line written passes util::escape_unprintable
// (control characters and invalid UTF-8 from user input become \xNN), and a
// line longer than a limit keeps its start and end. The CLI writes stdout and
// stderr through it, so no file name, id or argument reaches the terminal raw.

#include <cstddef>
#include <ostream>
#include <streambuf>
#include <string>

namespace planner::cli {

class PrintableStreamBuf final : public std::streambuf {
 public:
  // `max_line_bytes` 0: lines are never cut.
  PrintableStreamBuf(std::ostream& target, std::size_t max_line_bytes);
  ~PrintableStreamBuf() override;
  PrintableStreamBuf(const PrintableStreamBuf&) = delete;
  PrintableStreamBuf& operator=(const PrintableStreamBuf&) = delete;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void emit_line();

  std::ostream& target_;
  std::size_t max_line_bytes_;
  std::string line_;
};

}  // namespace planner::cli
