// The words --help and the man page share: the examples, the exit statuses and the environment,
// one list each, so the two cannot disagree; and the man page itself, made from them and the
// option table (`synthgen manpage` prints it; docs/synthgen.1 is its output, checked by a test).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace synthgen {

struct HelpItem {
  std::string_view name;  // a command, an exit code, a variable
  std::string_view text;
};

std::span<const HelpItem> help_examples();          // {command, what it does}
std::span<const HelpItem> exit_statuses();          // {code, meaning}
std::span<const HelpItem> environment_variables();  // {name, meaning}

// `text` cut at spaces into lines of at most `width` columns, each after `indent` spaces but the
// first (its indent is the caller's); a word longer than a line is left whole.
std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent);

// The options' man page in roff (man(7)): every option of the table by section, ENVIRONMENT, EXIT
// STATUS, EXAMPLES.
std::string format_man_page();

}  // namespace synthgen
