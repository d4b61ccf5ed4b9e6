#pragma once
// File access behind a small interface so loaders can be tested on in-memory
// files (the pattern of ninja's DiskInterface and its VirtualFileSystem).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace planner::util {

class FileSystem {
 public:
  enum class Kind { missing, file, directory, other };
  virtual ~FileSystem() = default;
  virtual Kind kind(const std::string& path) const = 0;
  // The whole file, or nullopt with `error` saying why ("cannot read: Permission denied").
  virtual std::optional<std::string> read(const std::string& path, std::string& error) const = 0;
  // Regular files ending in ".json" below `dir`, recursively, sorted by path.
  virtual std::vector<std::string> json_files_below(const std::string& dir) const = 0;
  // Why a path that is neither a file nor a directory cannot be read:
  // "no such file or directory", "a loop of symbolic links", ...
  virtual std::string why_unusable(const std::string& path) const;
};

class RealFileSystem final : public FileSystem {
 public:
  Kind kind(const std::string& path) const override;
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::vector<std::string> json_files_below(const std::string& dir) const override;
  std::string why_unusable(const std::string& path) const override;
};

// Files held in memory; a directory exists when some file lies below it.
class MemoryFileSystem final : public FileSystem {
 public:
  void add(std::string path, std::string contents) { files_[std::move(path)] = std::move(contents); }
  Kind kind(const std::string& path) const override;
  std::optional<std::string> read(const std::string& path, std::string& error) const override;
  std::vector<std::string> json_files_below(const std::string& dir) const override;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace planner::util
