// Async-signal-safe interrupt handling: the handler only stores the signal number, writes one byte
// to a non-blocking pipe and restores the default action.
#include "synthgen/io/interrupt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <stdexcept>

namespace synthgen {
namespace {

std::atomic<int> received{0};
int wake_pipe[2] = {-1, -1};

extern "C" void on_interrupt(int signal_number) {
  received.store(signal_number);
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(wake_pipe[1], &byte, 1);
  std::signal(signal_number, SIG_DFL);  // a second Ctrl-C stops at once
}

}  // namespace

StopSignal install_interrupt_handlers() {
  if (wake_pipe[0] < 0) {
    if (::pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("cannot create the interrupt pipe");
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
  }
  return StopSignal{wake_pipe[0], [] { return received.load() != 0; }};
}

int interrupt_signal() { return received.load(); }

void ignore_broken_pipes() {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGPIPE, &action, nullptr);
}

}  // namespace synthgen
