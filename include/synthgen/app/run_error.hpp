// The one exception type that stops a run, with the documented exit code of its kind. Thrown by
// the app layer, caught once in synthgen_main.
#pragma once

#include <stdexcept>
#include <string>

namespace synthgen {

enum class ExitCode : int {
  ok = 0,
  internal = 1,       // a bug or an unexpected system failure
  usage = 2,          // a bad flag, environment value or prompt template
  input = 3,          // the data: unknown dataset/subset/column, malformed local file, empty sample
  auth = 4,           // no token where one is needed, a refused token (401/403), out of credits (402)
  service = 5,        // a service failed: unreachable, 5xx, unreadable answers, every request failed
  output = 6,         // an output file cannot be written
  quality = 7,        // --min-accuracy / --min-macro-f1 not met (everything was written)
  budget = 8,         // --max-requests reached: answers so far are stored, outputs untouched
  incomplete = 9,     // some votes failed after their retries: everything else was written (rsync's "partial transfer")
  interrupted = 130,  // Ctrl-C or SIGTERM: answers so far are stored, outputs untouched
};

class RunError : public std::runtime_error {
 public:
  RunError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

}  // namespace synthgen
