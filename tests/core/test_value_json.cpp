// Lossless Value <-> JSON round trips, npy sidecars and errors on malformed input.
#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>

#include "tests/test_main.h"

namespace test_value_json {

using namespace sciagents::core;
using nlohmann::json;

namespace {

// Through text, as a result file would go.
Value roundTrip(const Value& v) { return fromJson(json::parse(toJson(v).dump())); }

bool sameBits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

template <typename F>
QString errorOf(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

Vector lin(Eigen::Index n, double a, double b) { return Vector::LinSpaced(n, a, b); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A version 1.0 .npy file with the given header dictionary, padded as NumPy pads it.
std::string npyBytes(std::string header, const std::string& payload) {
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  return bytes + header + payload;
}

}  // namespace

class TestValueJson : public QObject {
  Q_OBJECT

 private slots:
  void scalars() {
    for (const Value& v : {Value(), Value(true), Value(false), Value(0), Value(-42),
                           Value(std::numeric_limits<std::int64_t>::max()),
                           Value(std::numeric_limits<std::int64_t>::min()), Value("text"),
                           Value(""), Value("NaN")}) {
      const Value back = roundTrip(v);
      QCOMPARE(back.kind(), v.kind());
      QVERIFY(back == v);
    }
  }

  void integralScalarStaysScalar() {
    QCOMPARE(toJson(Value(3.0)).dump(), std::string("3.0"));
    const Value back = roundTrip(Value(3.0));
    QCOMPARE(back.kind(), ValueKind::Scalar);
    QCOMPARE(back.asDouble(), 3.0);
    QCOMPARE(roundTrip(Value(1e20)).kind(), ValueKind::Scalar);
    QCOMPARE(roundTrip(Value(3)).kind(), ValueKind::Integer);
  }

  void doublesAreBitExact() {
    std::mt19937_64 rng(12345);
    std::vector<double> samples = {-0.0,
                                   0.1,
                                   1.0 / 3.0,
                                   2.0 / 3.0,
                                   1e-308,
                                   4.9406564584124654e-324,  // smallest subnormal
                                   2.2250738585072009e-308,  // largest subnormal
                                   std::numeric_limits<double>::max(),
                                   std::numeric_limits<double>::lowest(),
                                   std::numeric_limits<double>::epsilon(),
                                   0.30000000000000004,
                                   123456789.12345678,
                                   9007199254740993.0};
    for (int i = 0; i < 2000; ++i) {
      double d;
      do d = std::bit_cast<double>(rng());
      while (!std::isfinite(d));
      samples.push_back(d);
    }
    for (double d : samples) {
      const Value back = roundTrip(Value(d));
      QCOMPARE(back.kind(), ValueKind::Scalar);
      if (!sameBits(back.asDouble(), d)) QFAIL(qPrintable(QString::number(d, 'g', 17)));
    }
    // 17 significant digits are kept when needed, shortest form otherwise.
    QCOMPARE(toJson(Value(0.1)).dump(), std::string("0.1"));
    QCOMPARE(toJson(Value(0.30000000000000004)).dump(), std::string("0.30000000000000004"));
    QCOMPARE(toJson(Value(-0.0)).dump(), std::string("-0.0"));
    QVERIFY(std::signbit(roundTrip(Value(-0.0)).asDouble()));
    Vector v(3);
    v << -0.0, 1e-308, 4.9406564584124654e-324;
    const Vector back = roundTrip(Value(v)).asVector();
    for (int i = 0; i < 3; ++i) QVERIFY(sameBits(back[i], v[i]));
  }

  void nonFinite() {
    for (double d : {kNaN, kInf, -kInf}) {
      const json j = toJson(Value(d));
      QCOMPARE(j["$type"].get<std::string>(), std::string("float"));
      const Value back = roundTrip(Value(d));
      QCOMPARE(back.kind(), ValueKind::Scalar);
      QVERIFY(back == Value(d));
    }
    Vector v(4);
    v << 1.0, kNaN, kInf, -kInf;
    QCOMPARE(toJson(Value(v)).dump(), std::string(R"([1.0,"NaN","Infinity","-Infinity"])"));
    const Value back = roundTrip(Value(v));
    QCOMPARE(back.kind(), ValueKind::Vector);
    QVERIFY(std::isnan(back.asVector()[1]));
    QCOMPARE(back.asVector()[2], kInf);
    QCOMPARE(back.asVector()[3], -kInf);
    Matrix m(2, 2);
    m << kNaN, 1, 2, -kInf;
    QVERIFY(roundTrip(Value(m)) == Value(m));
  }

  void vectorsAndMatrices() {
    QCOMPARE(toJson(Value(Vector(0))).dump(), std::string("[]"));
    const Value empty = roundTrip(Value(Vector(0)));
    QCOMPARE(empty.kind(), ValueKind::Vector);
    QCOMPARE(empty.asVector().size(), Eigen::Index{0});

    Matrix m(2, 3);
    m << 1, 2, 3, 4, 5, 6;
    QCOMPARE(toJson(Value(m)).dump(), std::string("[[1.0,2.0,3.0],[4.0,5.0,6.0]]"));
    QVERIFY(roundTrip(Value(m)) == Value(m));
    // Degenerate shapes keep their shape.
    for (auto [r, c] : {std::pair{0, 0}, std::pair{0, 3}, std::pair{3, 0}, std::pair{1, 1}}) {
      const Value mv{Matrix(Matrix::Constant(r, c, 2.0))};
      const Value back = roundTrip(mv);
      QCOMPARE(back.kind(), ValueKind::Matrix);
      QCOMPARE(back.asMatrix().rows(), Eigen::Index(r));
      QCOMPARE(back.asMatrix().cols(), Eigen::Index(c));
    }
    // Integers in plain input arrays are numbers of a vector.
    QCOMPARE(fromJson(json::parse("[1, 2.5, 3]")).kind(), ValueKind::Vector);
    QCOMPARE(fromJson(json::parse("[[1, 2], [3, 4]]")).kind(), ValueKind::Matrix);
  }

  void listsThatMustStayLists() {
    const Vector a = Vector::LinSpaced(3, 0, 1), b = Vector::LinSpaced(3, 1, 2);
    const Value vectors(List{Value(a), Value(b)});  // would read back as a 2x3 matrix
    QCOMPARE(toJson(vectors)["$type"].get<std::string>(), std::string("list"));
    const Value back = roundTrip(vectors);
    QCOMPARE(back.kind(), ValueKind::List);
    QVERIFY(back == vectors);

    for (const Value& l :
         {Value(List{}), Value(List{1, 2}), Value(List{1.5, 2.5}), Value(List{"NaN", "Infinity"}),
          Value(List{Value(Vector(0)), Value(Vector(0))}), Value(List{1, "a", Value()}),
          Value(List{Value(List{1, 2}), Value(List{3, 4})}),
          Value(List{Value(Matrix(Matrix::Ones(2, 2)))})}) {
      const Value r = roundTrip(l);
      QCOMPARE(r.kind(), ValueKind::List);
      QVERIFY(r == l);
    }
    // Ragged and mixed arrays read as lists.
    const Value ragged = fromJson(json::parse("[[1, 2], [3]]"));
    QCOMPARE(ragged.kind(), ValueKind::List);
    QCOMPARE(ragged.asList()[1].kind(), ValueKind::Vector);
    const Value mixed = fromJson(json::parse(R"([1, "a", null, true])"));
    QCOMPARE(mixed.kind(), ValueKind::List);
    QCOMPARE(mixed.asList()[0].kind(), ValueKind::Integer);
    QCOMPARE(mixed.asList()[2].kind(), ValueKind::Null);
  }

  void nestedMaps() {
    const Value v(Map{{"a", Value(Map{{"b", Value(Map{{"c", Value(List{1, "x"})}})}})},
                      {"vec", Value(lin(4, 0, 3))},
                      {"$type", "user data"},  // a key the format uses itself
                      {"nan", kNaN}});
    const Value back = roundTrip(v);
    QCOMPARE(back.kind(), ValueKind::Map);
    QVERIFY(back == v);
    QCOMPARE(back.find("$type")->asString(), std::string("user data"));
    QCOMPARE(fromJson(json::parse(R"({"x": {"from": "fit.x[0]"}})")).find("x")->kind(),
             ValueKind::Map);
  }

  void sparseMatrix() {
    SparseMatrix s(4, 5);
    s.insert(0, 0) = 1.5;
    s.insert(3, 4) = -2.0;
    s.insert(2, 1) = kNaN;
    s.makeCompressed();
    const json j = toJson(Value(s));
    QCOMPARE(j["$type"].get<std::string>(), std::string("sparse_matrix"));
    QCOMPARE(j["rows"].get<int>(), 4);
    QCOMPARE(j["cols"].get<int>(), 5);
    const Value back = roundTrip(Value(s));
    QCOMPARE(back.kind(), ValueKind::SparseMatrix);
    QVERIFY(back == Value(s));
    QCOMPARE(back.asSparse().nonZeros(), Eigen::Index{3});
    QVERIFY(roundTrip(Value(SparseMatrix(0, 7))) == Value(SparseMatrix(0, 7)));
  }

  void gridField() {
    GridField g{{Vector::LinSpaced(3, 0, 1), Vector::LinSpaced(2, -1, 1)}, {"x", "y"}, Vector(6)};
    g.values << 1, 2, 3, 4, 5, kInf;
    const json j = toJson(Value(g));
    QCOMPARE(j["$type"].get<std::string>(), std::string("grid_field"));
    QCOMPARE(j["shape"].dump(), std::string("[3,2]"));
    const Value back = roundTrip(Value(g));
    QCOMPARE(back.kind(), ValueKind::GridField);
    QVERIFY(back == Value(g));
    QVERIFY(roundTrip(Value(GridField{})) == Value(GridField{}));
  }

  void timeSeries() {
    TimeSeries t{Vector::LinSpaced(3, 0, 1), Matrix(3, 2), {"y1", "y2"}};
    t.values << 1, 2, 3, 4, 5, -0.0;
    const Value back = roundTrip(Value(t));
    QCOMPARE(back.kind(), ValueKind::TimeSeries);
    QVERIFY(back == Value(t));
    TimeSeries empty{Vector(0), Matrix(0, 2), {"a", "b"}};
    const Value eb = roundTrip(Value(empty));
    QVERIFY(eb == Value(empty));
    QCOMPARE(eb.asTimeSeries().values.cols(), Eigen::Index{2});
  }

  void table() {
    Table t{{"name", "value", "n"},
            {Value(List{"a", "b"}), Value(lin(2, 0.5, 1.5)), Value(List{1, 2})}};
    const Value back = roundTrip(Value(t));
    QCOMPARE(back.kind(), ValueKind::Table);
    QVERIFY(back == Value(t));
    QCOMPARE(back.asTable().data[2].kind(), ValueKind::List);
  }

  void deepNestingIsBounded() {
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    const json j = json::parse(deep);
    QVERIFY(errorOf([&] { (void)fromJson(j); }).contains("nesting deeper than 128"));
    std::string objects;
    for (int i = 0; i < 5000; ++i) objects += R"({"a":)";
    objects += "1" + std::string(5000, '}');
    QVERIFY(errorOf([&] { (void)fromJson(json::parse(objects)); }).contains("nesting"));
    // 100 levels are fine.
    Value v = 1;
    for (int i = 0; i < 100; ++i) v = Value(Map{{"a", v}});
    QVERIFY(roundTrip(v) == v);
  }

  void malformedTaggedObjects_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown type") << R"({"$type": "tensor"})"
                                  << "unknown \"$type\" 'tensor'";
    QTest::newRow("type not string") << R"({"$type": 3})"
                                     << "\"$type\" must be a string, got number";
    QTest::newRow("float no value") << R"({"$type": "float"})"
                                    << "float: missing key 'value'";
    QTest::newRow("float bad") << R"({"$type": "float", "value": "nan"})"
                               << "float: 'value' must be";
    QTest::newRow("list items") << R"({"$type": "list", "items": 3})"
                                << "list: 'items' must be an array, got number";
    QTest::newRow("sparse index")
        << R"({"$type": "sparse_matrix", "rows": 2, "cols": 2, "i": [2], "j": [0], "values": [1]})"
        << "sparse_matrix: entry 0 (2, 0) is outside the 2x2 matrix";
    QTest::newRow("sparse lengths")
        << R"({"$type": "sparse_matrix", "rows": 2, "cols": 2, "i": [0, 1], "j": [0], "values": [1]})"
        << "sparse_matrix: 'i', 'j' and 'values' must have the same length";
    QTest::newRow("sparse negative")
        << R"({"$type": "sparse_matrix", "rows": -1, "cols": 2, "i": [], "j": [], "values": []})"
        << "sparse_matrix: rows must be a non-negative integer";
    QTest::newRow("sparse huge")
        << R"({"$type": "sparse_matrix", "rows": 2, "cols": 9000000000000, "i": [], "j": [], "values": []})"
        << "sparse_matrix: dimensions above";
    QTest::newRow("grid size")
        << R"({"$type": "grid_field", "axes": [[0, 1], [0, 1, 2]], "axis_names": ["x", "y"], "values": [1, 2]})"
        << "grid_field: 'values' has 2 entries but the axes define 6 grid points";
    QTest::newRow("grid names")
        << R"({"$type": "grid_field", "axes": [[0, 1]], "axis_names": ["x", "y"], "values": [1, 2]})"
        << "grid_field: 2 axis names for 1 axes";
    QTest::newRow("time series rows")
        << R"({"$type": "time_series", "t": [0, 1], "values": [[1]], "names": ["y"]})"
        << "time_series: 'values' has 1 rows but 't' has 2 points";
    QTest::newRow("time series values")
        << R"({"$type": "time_series", "t": [0], "values": [[1], [2, 3]]})"
        << "time_series: 'values' must be an array of equal-length number arrays";
    QTest::newRow("table counts") << R"({"$type": "table", "columns": ["a"], "data": []})"
                                  << "table: 1 columns but 0 data entries";
    QTest::newRow("table columns") << R"({"$type": "table", "columns": [1], "data": [1]})"
                                   << "table: 'columns' must contain only strings";
    QTest::newRow("matrix shape") << R"({"$type": "matrix", "shape": [2, 2], "values": [1, 2, 3]})"
                                  << "matrix: 'values' has 3 entries, shape needs 4";
    QTest::newRow("npy no base") << R"({"$type": "npy", "path": "a.npy", "shape": [3]})"
                                 << "cannot be resolved without a base directory";
    QTest::newRow("vector strings") << R"({"$type": "grid_field", "axes": [["a"]], "values": [1]})"
                                    << "grid_field: axis 0 must be an array of numbers";
  }

  void malformedTaggedObjects() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    const QString error = errorOf([&] { (void)fromJson(json::parse(text.toStdString())); });
    if (!error.contains(message)) QFAIL(qPrintable("got: " + error));
  }

  void npyWriteRead() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path base = dir.path().toStdString();
    Matrix m(2, 3);
    m << 1, 2, 3, 4, 5, kNaN;
    writeNpy(base / "m.npy", m.data(), 2, 3, false);
    const std::string bytes = readFile(base / "m.npy");
    QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t header_len =
        static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    QCOMPARE((10 + header_len) % 64, std::size_t{0});
    const std::string header = bytes.substr(10, header_len);
    QVERIFY(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"));
    QVERIFY(header.ends_with("\n"));
    QCOMPARE(bytes.size(), 10 + header_len + 6 * sizeof(double));
    // C order: the second stored double is m(0, 1).
    double second;
    std::memcpy(&second, bytes.data() + 10 + header_len + sizeof(double), sizeof(double));
    QCOMPARE(second, 2.0);
    QVERIFY(readNpy(base / "m.npy") == Value(m));

    Vector v = Vector::LinSpaced(5, -1, 1);
    writeNpy(base / "v.npy", v.data(), 5, 1, true);
    QVERIFY(readFile(base / "v.npy").find("'shape': (5,)") != std::string::npos);
    const Value rv = readNpy(base / "v.npy");
    QCOMPARE(rv.kind(), ValueKind::Vector);
    QVERIFY(rv == Value(v));
  }

  void npyFortranOrder() {
    QTemporaryDir dir;
    const std::filesystem::path file = std::filesystem::path(dir.path().toStdString()) / "f.npy";
    const double data[] = {1, 2, 3, 4};  // column-major: [[1, 3], [2, 4]]
    const std::string bytes =
        npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }",
                 std::string(reinterpret_cast<const char*>(data), sizeof data));
    writeFile(file, bytes);
    Matrix expected(2, 2);
    expected << 1, 3, 2, 4;
    QVERIFY(readNpy(file) == Value(expected));
  }

  void npyErrors() {
    QTemporaryDir dir;
    const std::filesystem::path base = dir.path().toStdString();
    Vector v = Vector::LinSpaced(4, 0, 3);
    writeNpy(base / "good.npy", v.data(), 4, 1, true);
    const std::string good = readFile(base / "good.npy");

    auto check = [&](const std::string& bytes, const QString& expected) {
      writeFile(base / "bad.npy", bytes);
      const QString error = errorOf([&] { (void)readNpy(base / "bad.npy"); });
      if (!error.contains(expected))
        QFAIL(qPrintable("expected '" + expected + "', got: " + error));
      QVERIFY(error.contains("bad.npy"));
    };
    check("not numpy at all", "missing the \\x93NUMPY magic");
    check(good.substr(0, good.size() - 8), "shape needs 32 data bytes, file has 24");
    check(good + "12345678", "shape needs 32 data bytes, file has 40");
    check(good.substr(0, 20), "truncated header");
    const std::string payload = good.substr(good.size() - 32);
    check(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", payload),
          "dtype '<f4' is not supported");
    check(npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (4,), }", payload),
          "dtype '>f8' is not supported");
    check(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }", payload),
          "3-D arrays are not supported");
    check(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999,), }",
                   payload),
          "shape needs 799999999999999992 data bytes, file has 32");
    check(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                   payload),
          "shape is too large");
    check(npyBytes("{'descr': '<f8', 'shape': (4,), }", payload),
          "header must define 'descr', 'fortran_order' and 'shape'");
    check(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': 1}", payload),
          "unexpected header key 'x'");
    check(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-4,), }", payload),
          "'shape' must be a tuple of non-negative integers");
    writeFile(base / "ok.npy",
              npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", payload));
    Matrix two(2, 2);
    two << 0, 1, 2, 3;
    QVERIFY(readNpy(base / "ok.npy") == Value(two));  // a header NumPy wrote differently is fine
    std::string version = good;
    version[6] = 9;
    check(version, "unsupported format version 9");
    QVERIFY(errorOf([&] { (void)readNpy(base / "missing.npy"); }).contains("cannot open"));
  }

  void sidecarRoundTrip() {
    QTemporaryDir dir;
    const std::filesystem::path base = dir.path().toStdString();
    JsonWriteOptions options;
    options.sidecar_dir = base / "out_data";
    options.sidecar_prefix = "arr";
    options.sidecar_min_elements = 10;

    Matrix big = Matrix::Random(20, 3);
    big(4, 1) = kNaN;
    TimeSeries ts{Vector::LinSpaced(20, 0, 1), big, {"a", "b", "c"}};
    const Value v(Map{{"small", Value(lin(3, 0, 1))},
                      {"big", Value(lin(100, 0, 1))},
                      {"matrix", Value(big)},
                      {"series", Value(ts)}});
    const json j = toJson(v, options);
    QVERIFY(j["small"].is_array());
    QCOMPARE(j["big"]["$type"].get<std::string>(), std::string("npy"));
    QCOMPARE(j["big"]["shape"].dump(), std::string("[100]"));
    QCOMPARE(j["big"]["dtype"].get<std::string>(), std::string("<f8"));
    QCOMPARE(j["matrix"]["shape"].dump(), std::string("[20,3]"));
    const std::string path = j["big"]["path"].get<std::string>();
    QVERIFY(path.starts_with("out_data/arr"));
    QVERIFY(std::filesystem::exists(base / path));
    QCOMPARE(j["series"]["values"]["$type"].get<std::string>(), std::string("npy"));

    // Read back next to the JSON file.
    std::ofstream(base / "out.json") << j.dump();
    const Value back = fromJson(json::parse(readFile(base / "out.json")), base);
    QVERIFY(back == v);
  }

  void sidecarPathsAreConfined() {
    QTemporaryDir dir;
    const std::filesystem::path base = dir.path().toStdString();
    for (const char* path : {"/etc/passwd", "../x.npy", "a/../../x.npy", "missing.npy"}) {
      const json j = {{"$type", "npy"}, {"path", path}};
      const QString error = errorOf([&] { (void)fromJson(j, base); });
      QVERIFY2(!error.isEmpty(), path);
    }
    Vector v = Vector::LinSpaced(4, 0, 3);
    writeNpy(base / "v.npy", v.data(), 4, 1, true);
    const json wrong_shape = {{"$type", "npy"}, {"path", "v.npy"}, {"shape", {5}}};
    QVERIFY(errorOf([&] { (void)fromJson(wrong_shape, base); }).contains("differs"));
    const json wrong_dtype = {{"$type", "npy"}, {"path", "v.npy"}, {"dtype", "<i8"}};
    QVERIFY(errorOf([&] { (void)fromJson(wrong_dtype, base); }).contains("'<f8'"));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestValueJson)

}  // namespace test_value_json
#include "test_value_json.moc"
