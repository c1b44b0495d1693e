// The command line: flags and environment to a RunConfig, logging set-up, and the one place where
// a stopped run becomes `synthgen: error: ...` and an exit code.
#pragma once

namespace synthgen {

int synthgen_main(int argc, char** argv);

}  // namespace synthgen
