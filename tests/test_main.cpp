// main() of the test executables (tests/test_main.h): runs the test named by the first argument.
#include "tests/test_registry.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace sciagents::test {
namespace {

std::map<std::string, TestMain>& registry() {
  static std::map<std::string, TestMain> tests;
  return tests;
}

QString& current() {
  static QString name;
  return name;
}

std::string stemOf(const char* path) {
  std::string s(path);
  const auto slash = s.find_last_of("/\\");
  if (slash != std::string::npos) s.erase(0, slash + 1);
  const auto dot = s.rfind('.');
  if (dot != std::string::npos) s.erase(dot);
  return s;
}

}  // namespace

bool registerTest(const char* sourceFile, TestMain main) {
  registry()[stemOf(sourceFile)] = main;
  return true;
}

QString currentTestName() { return current(); }

}  // namespace sciagents::test

int main(int argc, char* argv[]) {
  using namespace sciagents::test;
  const auto& tests = registry();
  const auto it = argc >= 2 ? tests.find(argv[1]) : tests.end();
  if (it == tests.end()) {
    if (argc < 2)
      std::fprintf(stderr, "usage: %s TEST [Qt Test options]\n", argv[0]);
    else
      std::fprintf(stderr, "%s: no test named '%s'\n", argv[0], argv[1]);
    std::fprintf(stderr, "the tests in this executable:\n");
    for (const auto& t : tests) std::fprintf(stderr, "  %s\n", t.first.c_str());
    return 2;
  }
  current() = QString::fromStdString(it->first);
  // Qt Test sees the test's name as its program name and the remaining arguments as its own.
  return it->second(argc - 1, argv + 1);
}
