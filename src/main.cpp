// synthgen's entry point: libcurl's process-wide set-up, then the tool.
#include "synthgen/cli/synthgen_main.hpp"
#include "synthgen/io/http_pool.hpp"

int main(int argc, char** argv) {
  const synthgen::CurlGlobal curl;
  return synthgen::synthgen_main(argc, argv);
}
