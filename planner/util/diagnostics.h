#pragma once
// Problems found in user input, collected so that every problem of a file is
// reported at once. A stage adds to a Diagnostics; the CLI prints them and
// exits with code 2.

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
  void error(std::string file, std::string json_path, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // One line per problem, each ending in '\n'.
  std::string str() const;

 private:
  std::vector<Diagnostic> items_;
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
