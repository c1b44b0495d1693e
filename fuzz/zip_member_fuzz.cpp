// Fuzzes read_zip_member: the Hub's FinancialPhraseBank-v1.0.zip, as bytes in memory.
#include "fuzz_support.hpp"
#include "synthgen/io/dataset_source.hpp"

using namespace synthgen;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string archive(fuzz::as_text(data, size));
  (void)read_zip_member(archive, "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt");
  return 0;
}
