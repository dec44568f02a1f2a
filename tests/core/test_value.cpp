// Value accessors, lenient conversions, element access and equality.
#include "core/value/value.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "tests/test_main.h"

namespace test_value {

using namespace sciagents::core;

namespace {
template <typename F>
QString errorOf(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}
}  // namespace

class TestValue : public QObject {
  Q_OBJECT

 private slots:
  void kinds() {
    QCOMPARE(Value().kind(), ValueKind::Null);
    QCOMPARE(Value(true).kind(), ValueKind::Bool);
    QCOMPARE(Value(3).kind(), ValueKind::Integer);
    QCOMPARE(Value(std::int64_t{1} << 40).asInt(), std::int64_t{1} << 40);
    QCOMPARE(Value(3.0).kind(), ValueKind::Scalar);
    QCOMPARE(Value("s").kind(), ValueKind::String);
    QCOMPARE(Value(Vector(2)).kind(), ValueKind::Vector);
    QCOMPARE(Value(Matrix(2, 2)).kind(), ValueKind::Matrix);
    QCOMPARE(Value(SparseMatrix(2, 2)).kind(), ValueKind::SparseMatrix);
    QCOMPARE(Value(GridField{}).kind(), ValueKind::GridField);
    QCOMPARE(Value(TimeSeries{}).kind(), ValueKind::TimeSeries);
    QCOMPARE(Value(Table{}).kind(), ValueKind::Table);
    QCOMPARE(Value(List{}).kind(), ValueKind::List);
    QCOMPARE(Value(Map{}).kind(), ValueKind::Map);
    QCOMPARE(Value(Map{}).kindName(), std::string_view("map"));
  }

  void numberAccessors() {
    QCOMPARE(Value(7).asDouble(), 7.0);
    QCOMPARE(Value(7.0).asInt(), std::int64_t{7});
    QCOMPARE(errorOf([] { (void)Value(7.5).asInt(); }),
             QString("expected an integer, got 7.500000"));
    QVERIFY(!errorOf([] { (void)Value(std::nan("")).asInt(); }).isEmpty());
    QCOMPARE(errorOf([] { (void)Value("x").asDouble(); }), QString("expected number, got string"));
    QCOMPARE(errorOf([] { (void)Value(1.0).asVector(); }), QString("expected vector, got number"));
    QCOMPARE(errorOf([] { (void)Value().asGrid(); }), QString("expected grid_field, got null"));
    QVERIFY(Value(1).isNumber());
    QVERIFY(Value(1.5).isNumber());
    QVERIFY(!Value("1").isNumber());
  }

  void toVectorConversions() {
    QCOMPARE(Value(2.5).toVector(), Vector::Constant(1, 2.5));
    const Value list(List{1, 2.5, 3});
    Vector expected(3);
    expected << 1, 2.5, 3;
    QCOMPARE(list.toVector(), expected);
    Matrix col(3, 1);
    col << 1, 2.5, 3;
    QCOMPARE(Value(col).toVector(), expected);
    QCOMPARE(Value(Matrix(col.transpose())).toVector(), expected);
    QCOMPARE(errorOf([] { (void)Value(Matrix(2, 2)).toVector(); }),
             QString("expected a vector, got a 2x2 matrix"));
    QCOMPARE(errorOf([] {
               (void)Value(List{1, "a"}).toVector();
             }),
             QString("expected a vector, but element 1 is a string"));
  }

  void toMatrixConversions() {
    const Value rows(List{Value(List{1, 2}), Value(List{3, 4})});
    Matrix m(2, 2);
    m << 1, 2, 3, 4;
    QCOMPARE(rows.toMatrix(), m);
    QCOMPARE(errorOf([] {
               (void)Value(List{Value(List{1, 2}), Value(List{3})}).toMatrix();
             }),
             QString("expected a matrix, but row 1 has 1 entries instead of 2"));
    SparseMatrix s(2, 3);
    s.insert(1, 2) = 5.0;
    Matrix dense = Matrix::Zero(2, 3);
    dense(1, 2) = 5.0;
    QCOMPARE(Value(s).toMatrix(), dense);
    QCOMPARE(Value(4.0).toMatrix(), Matrix::Constant(1, 1, 4.0));
  }

  void stringList() {
    QCOMPARE(Value("a").toStringList(), std::vector<std::string>{"a"});
    QCOMPARE(Value(List{"a", "b"}).toStringList(), (std::vector<std::string>{"a", "b"}));
    // JSON [] reads back as an empty vector; it is an empty list of names too.
    QVERIFY(Value(Vector(0)).toStringList().empty());
    QVERIFY(!errorOf([] { (void)Value(List{"a", 1}).toStringList(); }).isEmpty());
  }

  void elementAccess() {
    Vector v(3);
    v << 10, 20, 30;
    const Value vec(v);
    QCOMPARE(vec.size(), std::int64_t{3});
    QCOMPARE(vec.at(0).asDouble(), 10.0);
    QCOMPARE(vec.at(-1).asDouble(), 30.0);
    QCOMPARE(vec.at(-3).asDouble(), 10.0);
    QCOMPARE(errorOf([&] { (void)vec.at(3); }),
             QString("index 3 out of range for vector of size 3"));
    QCOMPARE(errorOf([&] { (void)vec.at(-4); }),
             QString("index -4 out of range for vector of size 3"));
    Matrix m(2, 2);
    m << 1, 2, 3, 4;
    Vector last_row(2);
    last_row << 3, 4;
    QCOMPARE(Value(m).at(-1).asVector(), last_row);
    const Value list(List{"a", 2});
    QCOMPARE(list.at(-2).asString(), std::string("a"));
    TimeSeries ts{Vector::LinSpaced(2, 0, 1), m, {"a", "b"}};
    QCOMPARE(Value(ts).at(1).asVector(), last_row);
    QCOMPARE(errorOf([] { (void)Value(1.0).at(0); }), QString("cannot index a number"));
  }

  void mapFind() {
    const Value m(Map{{"a", 1}, {"b", "x"}});
    QVERIFY(m.find("a"));
    QCOMPARE(m.find("a")->asInt(), std::int64_t{1});
    QVERIFY(!m.find("c"));
    QVERIFY(!Value(1).find("a"));
  }

  void equality() {
    QVERIFY(Value(1) != Value(1.0));  // kinds differ
    QVERIFY(Value(std::nan("")) == Value(std::nan("")));
    Vector a(2), b(3);
    a << 1, std::nan("");
    b << 1, 2, 3;
    QVERIFY(Value(a) == Value(Vector(a)));
    QVERIFY(Value(a) != Value(b));
    QVERIFY(Value(List{1, "x"}) == Value(List{1, "x"}));
    QVERIFY(Value(Map{{"a", 1}}) != Value(Map{{"a", 2}}));
  }

  void sparseEqualityWithoutDensifying() {
    // 1e6 x 1e6 would need 8 TB if densified.
    const Eigen::Index n = 1000000;
    SparseMatrix a(n, n), b(n, n);
    a.insert(5, 7) = 1.5;
    a.insert(999999, 999999) = -2.0;
    b.insert(999999, 999999) = -2.0;
    b.insert(5, 7) = 1.5;
    a.makeCompressed();
    QVERIFY(Value(a) == Value(b));  // b stays uncompressed
    SparseMatrix c = b;
    c.coeffRef(5, 7) = 1.25;
    QVERIFY(Value(a) != Value(c));
    SparseMatrix d = a;
    d.insert(3, 3) = 0.0;  // an explicit zero is the same value as no entry
    QVERIFY(Value(a) == Value(d));
    d.coeffRef(3, 3) = 1.0;
    QVERIFY(Value(a) != Value(d));
    QVERIFY(Value(a) != Value(SparseMatrix(n, n - 1)));
  }

  void structuredEquality() {
    GridField g{{Vector::LinSpaced(2, 0, 1), Vector::LinSpaced(3, 0, 1)}, {"x", "y"}, Vector(6)};
    g.values << 1, 2, 3, 4, 5, std::nan("");
    GridField h = g;
    QVERIFY(Value(g) == Value(h));           // NaN == NaN for identity
    h.axes[1] = Vector::LinSpaced(4, 0, 1);  // different sizes must compare unequal, not assert
    QVERIFY(Value(g) != Value(h));
    TimeSeries t{Vector::LinSpaced(2, 0, 1), Matrix::Constant(2, 1, std::nan("")), {"y"}};
    TimeSeries u = t;
    QVERIFY(Value(t) == Value(u));
    u.values = Matrix::Zero(2, 2);
    QVERIFY(Value(t) != Value(u));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestValue)

}  // namespace test_value
#include "test_value.moc"
