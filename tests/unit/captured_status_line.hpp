// A StatusLine writing into memory (a temporary file), for the tests of the status and progress lines.
#pragma once

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "synthgen/io/status_line.hpp"

namespace synthgen::testing {

class CapturedStatusLine {
 public:
  CapturedStatusLine(bool terminal, std::size_t columns)
      : file_(std::tmpfile(), &std::fclose), line_(file_.get(), terminal, [this] { return columns_; }), columns_(columns) {}
  StatusLine& line() { return line_; }
  void resize(std::size_t columns) { columns_ = columns; }
  // Everything written so far.
  std::string written() {
    std::fflush(file_.get());
    std::rewind(file_.get());
    std::string out;
    for (int c = std::fgetc(file_.get()); c != EOF; c = std::fgetc(file_.get())) out += static_cast<char>(c);
    return out;
  }
  std::vector<std::string> lines() {
    std::vector<std::string> out;
    std::istringstream in(written());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  StatusLine line_;
  std::size_t columns_;
};

}  // namespace synthgen::testing
