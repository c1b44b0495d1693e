// Ctrl-C and SIGTERM as a request to stop: the first signal sets a flag and makes a descriptor
// readable (a self-pipe the HTTP loop polls); a second one ends the process as usual.
#pragma once

#include "synthgen/io/http_pool.hpp"

namespace synthgen {

// Installs the handlers once; later calls return the same signal.
StopSignal install_interrupt_handlers();

// Whether SIGINT or SIGTERM has arrived, and which (0 if none).
int interrupt_signal();

}  // namespace synthgen
