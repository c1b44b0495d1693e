// Fuzzes the reading of batch engines' result lines and of OpenAI's Batch objects (both come from
// servers and files synthgen does not control): no input throws, a line read has a custom_id and a
// status or an error, and a custom_id that maps to a key is the key's own hex.
#include <string>

#include "fuzz_support.hpp"
#include "synthgen/core/batch_line.hpp"
#include "synthgen/core/batch_object.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  if (auto line = parse_batch_result_line(text)) {
    fuzz::require(!line->custom_id.empty(), "a result line without a custom_id");
    fuzz::require(line->status != 0 || !line->error.empty(), "a result line with neither a status nor an error");
  }
  if (auto key = key_of_custom_id(text)) {
    fuzz::require(
        text.size() >= 64 && key_hex(*key) ==
                                 [&] {
                                   std::string tail(text.substr(text.size() - 64));
                                   for (auto& c : tail) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
                                   return tail;
                                 }(),
        "a custom_id's key is not its hex");
  }
  if (auto batch = parse_batch_object(text)) fuzz::require(!batch->id.empty(), "a batch without an id");
  (void)parse_file_object(text);
  return 0;
}
