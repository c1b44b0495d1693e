// The files a command put on disk, as the writers that committed them record them, and the one
// closing line that names them: `synthgen: wrote df_train.csv, df_test.csv, metrics.json`.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace synthgen {

// Paths as the user gave them, in the order they were committed, each once. Only files renamed
// into place are recorded: an output written through (standard output, a device, a FIFO) is not a
// file the user will look for on disk.
class WrittenFiles {
 public:
  void add(const std::string& path);
  [[nodiscard]] std::span<const std::string> paths() const { return paths_; }
  [[nodiscard]] bool empty() const { return paths_.empty(); }

 private:
  std::vector<std::string> paths_;
};

// "wrote a.csv, b.json" (empty for no file); a path holding a comma, a space, a quote or a control
// character is shown double-quoted, with its quotes and backslashes escaped, so the list reads one way.
std::string written_files_line(std::span<const std::string> paths);

}  // namespace synthgen
