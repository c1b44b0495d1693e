// Fuzzes service_error_text: any error body becomes one short line of text.
#include "fuzz_support.hpp"
#include "synthgen/io/inference_api.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = service_error_text(fuzz::as_text(data, size));
  fuzz::require(text.find_first_of("\r\n") == std::string::npos, "service_error_text is not one line");
  fuzz::require(text.size() <= 303, "service_error_text is longer than its excerpt");
  return 0;
}
