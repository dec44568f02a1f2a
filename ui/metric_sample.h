// One live metric sample of a run (a point of a convergence series), as carried by
// ExecutionTarget::metrics in batches.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace sciagents::ui {

struct MetricSample {
  QString step;
  QString series;
  double x = 0;
  double y = 0;
};

using MetricBatch = QList<MetricSample>;

}  // namespace sciagents::ui

Q_DECLARE_METATYPE(sciagents::ui::MetricSample)
Q_DECLARE_METATYPE(sciagents::ui::MetricBatch)
