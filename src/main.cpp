// synthgen's entry point. libcurl's process-wide set-up is not here: synthgen_main makes it only
// for the commands that go on the network, so --version and --help answer without it.
#include "synthgen/cli/synthgen_main.hpp"

int main(int argc, char** argv) { return synthgen::synthgen_main(argc, argv); }
