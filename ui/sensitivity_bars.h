// Sensitivity indices as a bar chart (uq.sobol's S1 and ST): per input, its first-order and total
// index side by side, each with a whisker for its interval, labelled by the input's name; a y axis
// with a few round ticks. Painted directly (no Qt Charts): category axes with whiskers are not
// something QBarSeries draws.
#pragma once

#include <QList>
#include <QString>
#include <QWidget>

namespace sciagents::ui {

class SensitivityBars final : public QWidget {
  Q_OBJECT
 public:
  struct Bar {
    double value = 0;
    double low = 0, high = 0;  // the interval; low == high == value draws no whisker
  };
  struct Input {
    QString name;
    Bar first;  // S1
    Bar total;  // ST
  };

  explicit SensitivityBars(QWidget* parent = nullptr);

  void setIndices(const QString& title, const QList<Input>& inputs);
  void clear();
  const QList<Input>& inputs() const { return m_inputs; }
  // The y axis' tick values and their labels, as painted.
  QList<double> ticks() const;
  QStringList tickLabels() const;
  // Where input `i`'s bars are painted (x range in widget coordinates), for tests and tooltips.
  QRectF categoryRect(int i) const;

  QSize sizeHint() const override { return {480, 300}; }
  QSize minimumSizeHint() const override { return {200, 80}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QRectF plotArea() const;
  double yMin() const;
  double yMax() const;

  QString m_title;
  QList<Input> m_inputs;
};

}  // namespace sciagents::ui
