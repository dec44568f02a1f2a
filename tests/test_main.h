// Test files are compiled into one executable per test folder and group (tests/CMakeLists.txt), in
// unity batches; each file is still its own ctest, run as `<executable> <file stem> [Qt Test
// args]`. A test file therefore:
//   - puts everything after its #includes in `namespace <file stem> { ... }`, so its file-local
//     names cannot meet another file's in a batch;
//   - ends that namespace with SCIAGENTS_TEST_MAIN(TestClass) (a QApplication, like QTEST_MAIN) or
//     SCIAGENTS_TEST_GUILESS_MAIN(TestClass) (a QCoreApplication, like QTEST_GUILESS_MAIN);
//   - includes its .moc after the namespace.
#pragma once

#include "tests/test_registry.h"

#include <QtTest>

// Qt Test's QTEST_MAIN_WRAPPER as a registered function instead of main().
#define SCIAGENTS_TEST_MAIN_WRAPPER(TestObject, ...)                   \
  namespace {                                                          \
  int sciagentsTestMain(int argc, char* argv[]) {                      \
    QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>(); \
    __VA_ARGS__                                                        \
    TestObject tc;                                                     \
    QTEST_SET_MAIN_SOURCE_PATH                                         \
    return QTest::qExec(&tc, argc, argv);                              \
  }                                                                    \
  [[maybe_unused]] const bool sciagentsTestRegistered =                \
      ::sciagents::test::registerTest(__FILE__, sciagentsTestMain);    \
  }

#define SCIAGENTS_TEST_MAIN(TestObject) SCIAGENTS_TEST_MAIN_WRAPPER(TestObject, QTEST_MAIN_SETUP())
#define SCIAGENTS_TEST_GUILESS_MAIN(TestObject) \
  SCIAGENTS_TEST_MAIN_WRAPPER(TestObject, QTEST_QAPP_SETUP(QCoreApplication))
