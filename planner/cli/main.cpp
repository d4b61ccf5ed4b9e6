// clusterplan: sizes AI compute clusters. All work happens in the library;
// main only forwards the arguments and returns the exit code.

#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return planner::cli::run(args, std::cout, std::cerr);
}
