#pragma once
// Problems found in user input, collected so that every problem of a file is
// reported at once. A stage adds to a Diagnostics; the CLI prints them and
// exits with code 2. What the user wrote is escaped on the way in (control
// characters, invalid UTF-8; util/printable.h) and cut when long, and a file
// reports at most kMaxPerFile problems, then how many more it had.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace planner::util {

struct Diagnostic {
  std::string file;       // as the user named it; may be empty for command-line input
  std::string json_path;  // RFC 6901 pointer ("/memory/hbm_tbps"); empty for the whole file
  std::string message;

  // "file: /path: message", leaving out the parts that are empty.
  std::string str() const;
};

class Diagnostics {
 public:
  // Problems kept per file; past it one last item counts the rest. Fifty
  // lines are more than anyone reads before fixing the first.
  static constexpr std::size_t kMaxPerFile = 50;

  void error(std::string file, std::string json_path, std::string message);
  // A file name as Diagnostic::file holds it (escaped, cut when long): what to
  // compare an item's file with.
  static std::string file_name(const std::string& file);
  // Problems reported for a file (by file_name), the ones not kept included.
  std::size_t count(const std::string& file_name) const;
  bool empty() const { return items_.empty(); }
  // Every problem reported, the ones not kept included.
  std::size_t size() const { return total_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  // One line per problem, each ending in '\n'.
  std::string str() const;

 private:
  struct FileCount {
    std::size_t kept = 0;
    std::size_t dropped = 0;
    std::size_t summary = 0;  // index of the "and N more" item once there is one
  };
  std::vector<Diagnostic> items_;
  std::size_t total_ = 0;
  std::map<std::string, FileCount> per_file_;
};

// Thrown where input is so wrong that nothing sensible can follow; carries
// the collected problems. Loaders prefer adding to Diagnostics and going on.
class InputError : public std::exception {
 public:
  explicit InputError(Diagnostics diagnostics);
  const Diagnostics& diagnostics() const { return diagnostics_; }
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  Diagnostics diagnostics_;
  std::string text_;
};

}  // namespace planner::util
