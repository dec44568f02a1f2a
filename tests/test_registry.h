// The registry of the tests in a test executable (tests/test_main.h registers them,
// tests/test_main.cpp runs the one named on the command line). Apart from test_main.h so that the
// executables' main() does not parse Qt Test.
#pragma once

#include <QString>

namespace sciagents::test {

using TestMain = int (*)(int argc, char** argv);

// Registers the test of `sourceFile` (named by its stem) with the executable's main(); the value
// returned only anchors the registration in a static initialiser.
bool registerTest(const char* sourceFile, TestMain main);

// The name the running test was selected by (its file stem), for a test that runs itself as a
// child.
QString currentTestName();

}  // namespace sciagents::test
