// The headers nearly every test includes (Qt Test, Eigen, nlohmann/json, the standard library),
// precompiled once per group of tests (SCIAGENTS_PCH, tests/CMakeLists.txt): parsing <QtTest> alone
// costs ~4 s of compile time per test file. Third-party and standard headers only, so a change to a
// project header does not rebuild the precompiled header.
#pragma once

#include <QTemporaryDir>
#include <QtTest>

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
