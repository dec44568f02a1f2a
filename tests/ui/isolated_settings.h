// Every Studio test runs on its own throw-away QSettings and QStandardPaths (test mode), named
// after the test, so tests neither see the user's profile nor each other's when ctest runs them in
// parallel.
#pragma once

#include <QCoreApplication>
#include <QStandardPaths>
#include <QString>

namespace studio_test {

inline void isolateSettings(const QString& test_name) {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("SciAgentsTests"));
  QCoreApplication::setApplicationName(test_name);
}

}  // namespace studio_test
