// Drawing the status line: "\r" + text + erase-to-end-of-line, so a shorter text leaves nothing behind.
#include "synthgen/io/status_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace synthgen {
namespace {

constexpr std::size_t default_columns = 80;
constexpr std::string_view erase_line = "\r\x1b[K";

std::optional<std::size_t> measured_columns(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return std::nullopt;
  return size.ws_col;
}

std::optional<std::string> columns_variable() {
  const char* value = std::getenv("COLUMNS");
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

std::size_t choose_columns(std::optional<std::size_t> measured, const std::optional<std::string>& columns_variable) {
  if (measured && *measured > 0) return *measured;
  if (columns_variable) {
    std::size_t value = 0;
    const auto* end = columns_variable->data() + columns_variable->size();
    const auto [stop, ec] = std::from_chars(columns_variable->data(), end, value);
    if (ec == std::errc{} && stop == end && value > 0) return value;
  }
  return default_columns;
}

StatusLine::StatusLine(std::FILE* out, bool terminal, Columns columns) : out_(out), terminal_(terminal), columns_(std::move(columns)) {}

std::size_t StatusLine::usable_columns() const {
  const auto columns = columns_();
  return columns > 1 ? columns - 1 : 1;
}

void StatusLine::show(std::string_view text) {
  text_.assign(text);
  draw();
}

void StatusLine::clear() {
  if (!drawn_) return;
  std::fwrite(erase_line.data(), 1, erase_line.size(), out_);
  drawn_ = false;
}

void StatusLine::redraw() {
  if (!drawn_ && !text_.empty()) draw();
}

void StatusLine::forget() {
  clear();
  std::fflush(out_);
  text_.clear();
}

void StatusLine::print_line(std::string_view line) {
  clear();
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  redraw();
  std::fflush(out_);
}

void StatusLine::draw() {
  if (!terminal_) return;
  const auto shown = std::string_view(text_).substr(0, usable_columns());  // the width may have changed since show()
  std::fputc('\r', out_);
  std::fwrite(shown.data(), 1, shown.size(), out_);
  std::fputs("\x1b[K", out_);
  std::fflush(out_);
  drawn_ = true;
}

StatusLine& stderr_status_line() {
  static StatusLine line(stderr, ::isatty(STDERR_FILENO) == 1,
                         [] { return choose_columns(measured_columns(STDERR_FILENO), columns_variable()); });
  return line;
}

}  // namespace synthgen
