// Fuzzes parse_dotenv: a `.env` file in the working directory.
#include "fuzz_support.hpp"
#include "synthgen/core/dotenv.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto entries = parse_dotenv(fuzz::as_text(data, size));
  if (!entries) return 0;
  for (const auto& [key, value] : *entries) {
    fuzz::require(!key.empty(), "parse_dotenv returned an empty key");
    fuzz::require(key.find_first_of("\n=") == std::string::npos, "parse_dotenv returned a key with '=' or a line break");
  }
  return 0;
}
