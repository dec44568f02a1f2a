#include "ui/plot_export.h"

#include "core/value/value_json.h"

#include <nlohmann/json.hpp>

#include <QAbstractItemModel>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace sciagents::ui {

namespace {
bool fail(QString* error, const QString& why) {
  if (error) *error = why;
  return false;
}

QString csvField(QString s) {
  if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')) || s.contains(QLatin1Char('\n')))
    s = QLatin1Char('"') + s.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
  return s;
}

bool writeAll(const QString& path, const QByteArray& data, QString* error) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly))
    return fail(error, QObject::tr("Cannot write %1: %2").arg(path, f.errorString()));
  f.write(data);
  if (!f.commit())
    return fail(error, QObject::tr("Cannot write %1: %2").arg(path, f.errorString()));
  return true;
}
}  // namespace

bool exportWidgetImage(QWidget* widget, const QString& path, QString* error) {
  if (!widget) return fail(error, QObject::tr("Nothing to export"));
  const QSize size = widget->size().isEmpty() ? widget->sizeHint() : widget->size();
  if (QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(widget->windowTitle().isEmpty() ? QStringLiteral("SciAgents plot")
                                                 : widget->windowTitle());
    svg.setDescription(QStringLiteral("Exported by SciAgents Studio"));
    QPainter p;
    if (!p.begin(&svg)) return fail(error, QObject::tr("Cannot write %1").arg(path));
    widget->render(&p, QPoint(), QRegion(), QWidget::DrawChildren);
    p.end();
    if (QFileInfo(path).size() <= 0) return fail(error, QObject::tr("Cannot write %1").arg(path));
    return true;
  }
  const qreal dpr = widget->devicePixelRatioF();
  QImage img(size * dpr, QImage::Format_ARGB32_Premultiplied);
  img.setDevicePixelRatio(dpr);
  img.fill(widget->palette().color(QPalette::Window));
  widget->render(&img);
  if (!img.save(path)) return fail(error, QObject::tr("Cannot write %1").arg(path));
  return true;
}

bool exportModelCsv(const QAbstractItemModel* model, const QString& path, QString* error) {
  if (!model) return fail(error, QObject::tr("Nothing to export"));
  QByteArray out;
  QStringList fields;
  for (int c = 0; c < model->columnCount(); ++c)
    fields << csvField(model->headerData(c, Qt::Horizontal).toString());
  out += fields.join(QLatin1Char(',')).toUtf8() + '\n';
  for (int r = 0; r < model->rowCount(); ++r) {
    fields.clear();
    for (int c = 0; c < model->columnCount(); ++c) {
      const QModelIndex i = model->index(r, c);
      const QVariant num = model->data(i, Qt::UserRole);
      fields << (num.typeId() == QMetaType::Double ? QString::number(num.toDouble(), 'g', 17)
                                                   : csvField(model->data(i).toString()));
    }
    out += fields.join(QLatin1Char(',')).toUtf8() + '\n';
  }
  return writeAll(path, out, error);
}

bool exportValueJson(const core::Value& value, const QString& path, QString* error) {
  try {
    return writeAll(path, QByteArray::fromStdString(core::toJson(value).dump(2) + "\n"), error);
  } catch (const std::exception& e) {
    return fail(error, QString::fromUtf8(e.what()));
  }
}

}  // namespace sciagents::ui
