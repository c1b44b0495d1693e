// Ctrl-C and SIGTERM as a request to stop: the first signal sets a flag and makes a descriptor
// readable (a self-pipe the HTTP loop polls); a second one ends the process as usual. SIGPIPE
// never ends it: a reader that goes away (`synthgen -v ... | head`) costs output, not the run.
#pragma once

#include "synthgen/io/http_pool.hpp"

namespace synthgen {

// Installs the handlers once; later calls return the same signal.
StopSignal install_interrupt_handlers();

// Whether SIGINT or SIGTERM has arrived, and which (0 if none).
int interrupt_signal();

// Ignores SIGPIPE for the whole process: a write to a closed pipe or socket then fails with EPIPE
// (a log line or report line is lost) instead of killing the run with nothing stored. Called first
// in synthgen_main, before any thread starts; libcurl's own writes already use CURLOPT_NOSIGNAL.
void ignore_broken_pipes();

}  // namespace synthgen
