#include "util/file_system.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace planner::util {

namespace fs = std::filesystem;

// Input files larger than this are refused rather than read: no spec, site or
// workload file is anywhere near it, and it keeps a stray binary from eating memory.
constexpr std::uintmax_t kMaxInputBytes = 64ull << 20;

namespace {
struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
}  // namespace

std::string FileSystem::why_unusable(const std::string& path) const {
  switch (kind(path)) {
    case Kind::missing: return "no such file or directory";
    case Kind::other: return "not a regular file or directory";
    case Kind::file:
    case Kind::directory: break;
  }
  return "";
}

namespace {
constexpr const char* kLinkLoop = "a loop of symbolic links (too many levels of links)";
bool is_link_loop(const std::string& path) {
  std::error_code ec;
  (void)fs::status(path, ec);
  return ec == std::errc::too_many_symbolic_link_levels;
}
}  // namespace

std::string RealFileSystem::why_unusable(const std::string& path) const {
  return is_link_loop(path) ? kLinkLoop : FileSystem::why_unusable(path);
}

FileSystem::Kind RealFileSystem::kind(const std::string& path) const {
  // A symbolic-link loop is there but unusable: `other`, and why_unusable says why.
  if (is_link_loop(path)) return Kind::other;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return Kind::missing;
  if (fs::is_regular_file(status)) return Kind::file;
  if (fs::is_directory(status)) return Kind::directory;
  return Kind::other;
}

std::optional<std::string> RealFileSystem::read(const std::string& path, std::string& error) const {
  switch (kind(path)) {
    case Kind::missing: error = "no such file"; return std::nullopt;
    case Kind::directory: error = "is a directory, expected a JSON file"; return std::nullopt;
    case Kind::other: error = is_link_loop(path) ? kLinkLoop : "not a regular file"; return std::nullopt;
    case Kind::file: break;
  }
  std::error_code ec;
  if (fs::file_size(path, ec) > kMaxInputBytes) {
    error = "file is larger than 64 MiB";
    return std::nullopt;
  }
  // C stdio rather than an ifstream: a stream reading into another stream
  // swallows a read error (EIO on /proc/self/mem) and returns what it has,
  // which would be reported as an empty file.
  const std::unique_ptr<std::FILE, CloseFile> in(std::fopen(path.c_str(), "rb"));
  if (!in) {
    error = std::string("cannot read: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::string contents;
  std::array<char, 65536> buffer;
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0;) {
    contents.append(buffer.data(), n);
    if (contents.size() > kMaxInputBytes) {  // a file whose size the file system does not tell (/proc)
      error = "file is larger than 64 MiB";
      return std::nullopt;
    }
  }
  if (std::ferror(in.get())) {
    error = std::string("cannot read: ") + std::strerror(errno);
    return std::nullopt;
  }
  return contents;
}

std::vector<std::string> RealFileSystem::json_files_below(const std::string& dir) const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    // Not only regular files: a .json that is a broken link or a link loop is
    // listed, so that reading it reports the problem instead of skipping it.
    if (it->path().extension() == ".json" && !it->is_directory(ec)) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
bool is_below(const std::string& path, const std::string& dir) {
  const std::string prefix = dir.ends_with('/') ? dir : dir + "/";
  return path.starts_with(prefix);
}
}  // namespace

FileSystem::Kind MemoryFileSystem::kind(const std::string& path) const {
  if (files_.count(path)) return Kind::file;
  for (const auto& [name, _] : files_)
    if (is_below(name, path)) return Kind::directory;
  return Kind::missing;
}

std::optional<std::string> MemoryFileSystem::read(const std::string& path, std::string& error) const {
  if (const auto it = files_.find(path); it != files_.end()) return it->second;
  error = kind(path) == Kind::directory ? "is a directory, expected a JSON file" : "no such file";
  return std::nullopt;
}

std::vector<std::string> MemoryFileSystem::json_files_below(const std::string& dir) const {
  std::vector<std::string> out;
  for (const auto& [name, _] : files_)
    if (is_below(name, dir) && name.ends_with(".json")) out.push_back(name);
  return out;
}

}  // namespace planner::util
