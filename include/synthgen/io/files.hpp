// Files on disk: whole reads, and output files that are replaced whole or not at all, committed
// together, and never renamed over a device, a FIFO or standard output.
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "synthgen/core/written_files.hpp"

namespace synthgen {

// A path of "-" means standard input for --input and standard output for an output; a file
// named "-" is never written (write ./- for that).
inline constexpr std::string_view standard_stream = "-";

// An output's path for messages: "standard output" for "-".
std::string output_name(const std::string& path);

std::expected<std::string, std::string> read_file(const std::string& path);
std::expected<std::string, std::string> read_standard_input();

// The descriptor that "-" (1), /dev/stdout (1), /dev/stderr (2), /dev/fd/N or /proc/self/fd/N name:
// written to as it is, so a shell's redirection (`>>` too) is honoured.
std::optional<int> descriptor_alias(const std::string& path);

// Who may read a new file: everyone the umask lets (outputs; a replaced file keeps its mode), or
// its owner alone (caches that hold the user's rows and answers, as the response store does).
enum class FileAccess { usual, owner_only };

// `path` with its symlinks followed (the last one need not exist): what a rename would replace.
std::string follow_symlinks(const std::string& path);

// Whether an output at `path` is written through rather than replaced: a descriptor alias (a rename
// would detach the file from the descriptor), or an existing file that is neither a regular file
// nor a directory (a device, a FIFO).
bool is_written_through(const std::string& path);

// An output written piece by piece and committed whole.
// - A regular file, or a new one, is replaced atomically: the pieces go to a temporary file
//   "<name>.tmp-<pid>-XXXXXX" beside it, which commit() flushes (fsync) and renames over it. A
//   symlink is followed (the target is replaced, the link stays a link) and the old file's mode
//   is kept. Temporary files of the same name left by a process that is no longer alive are
//   removed.
// - Anything else, "-" (standard output), a device such as /dev/null, a FIFO, /dev/stdout or
//   /dev/fd/N, is opened at once and written through: the pieces wait (in memory, then in an
//   unlinked spool file in $TMPDIR) and are written to it at commit. It is never renamed over.
// Destroyed uncommitted, it leaves no trace (and writes nothing through).
class AtomicFile {
 public:
  static std::expected<AtomicFile, std::string> create(const std::string& path, FileAccess access = FileAccess::usual);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();
  void append(std::string_view piece);  // buffered; a failure is reported by prepare() or commit()

  // prepare(), then publish().
  std::expected<void, std::string> commit();
  // Step 1 of a commit: every piece written and flushed to the temporary file, or written through.
  std::expected<void, std::string> prepare();
  // Step 2: the temporary file renamed over the target (nothing left to do for a written-through one).
  std::expected<void, std::string> publish();
  [[nodiscard]] bool writes_through() const { return through_; }
  [[nodiscard]] const std::string& path() const { return path_; }  // as given

 private:
  struct Through {
    int fd;
    bool owned;  // opened here (a device, a FIFO), not a descriptor of the process's own
  };
  AtomicFile(std::string path, std::string target, std::string temp, int fd)
      : path_(std::move(path)), target_(std::move(target)), temp_(std::move(temp)), fd_(fd) {}
  AtomicFile(std::string path, Through out) : path_(std::move(path)), out_fd_(out.fd), owns_out_(out.owned), through_(true) {}
  bool spill();
  std::expected<void, std::string> write_through();
  std::expected<void, std::string> fail(const std::string& why);
  std::string path_;    // as given
  std::string target_;  // what the temporary file replaces: path_ with its symlinks followed
  std::string temp_;    // the temporary file until it is renamed or removed; empty when written through
  int fd_ = -1;         // the temporary file, or the spool of a written-through output (-1: none yet)
  int out_fd_ = -1;     // the written-through target
  bool owns_out_ = false;
  bool through_ = false;
  bool prepared_ = false;
  std::string buffer_;
  std::string error_;  // the first write failure
};

// Commits several outputs as one unit: every temporary file is written and flushed, then every
// written-through output is written, and only then is any file renamed into place; so when one
// fails (a full disk, /dev/full) no target has been replaced (a written-through output that
// came before it has been written). A failed rename, after the others, is reported too. Files are
// renamed from the last to the first, so the first (the main output) is in place only when every
// other is: a kill among the renames never leaves a new first file beside old others.
// Each file renamed into place is recorded in `written` (written-through outputs are not), so a
// failed commit names only the files it did replace.
std::expected<void, std::string> commit_together(std::span<AtomicFile* const> files, WrittenFiles* written = nullptr);

// Writes `content` to `path` as a one-piece AtomicFile.
std::expected<void, std::string> write_file_atomically(const std::string& path, const std::string& content);

// Fails when an output could not later be written at `path` (missing or read-only directory, the
// path is a directory, a device that cannot be opened for writing, standard output closed):
// checked before any request is paid for.
std::expected<void, std::string> check_writable(const std::string& path);

// One file in one role of a run: an input ("--input") or an output ("--output", "--cache", ...).
struct FileRole {
  std::string_view flag;
  std::string path;  // empty: the role is not used; "-": standard input for an input, else standard output
  bool input = false;
};

// The first two roles that name one file (the same path after following symlinks and resolving
// the parent directory, or one inode: a hard link, /dev/stdout redirected to the file), as an
// error to show; nullopt when every file has one role. Terminals and other character devices
// (/dev/null) may take several roles: they hold nothing that could be lost.
std::optional<std::string> shared_file(std::span<const FileRole> roles);

}  // namespace synthgen
