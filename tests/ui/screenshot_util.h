// Saving screenshots in tests: <build>/screenshots/NAME<suffix>.png (the suffix names the platform
// unless it is xcb, so an offscreen and an Xvfb run never write the same file) and, from the Xvfb
// run with SCIAGENTS_UPDATE_DOC_IMAGES=1 only, the user guide's copy docs/images/NAME.png, so
// `make test` never modifies the source tree.
#pragma once

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QString>

namespace studio_test {

inline QString screenshotDir() {
  const QString dir = QStringLiteral(SCIAGENTS_BINARY_DIR "/screenshots");
  QDir().mkpath(dir);
  return dir;
}

inline QString platformSuffix() {
  return QGuiApplication::platformName() == QLatin1String("xcb")
             ? QString()
             : QLatin1Char('-') + QGuiApplication::platformName();
}

// An image of one colour means nothing was drawn.
inline bool hasContent(const QImage& img) {
  const QRgb first = img.pixel(0, 0);
  for (int y = 0; y < img.height(); y += 7)
    for (int x = 0; x < img.width(); x += 7)
      if (img.pixel(x, y) != first) return true;
  return false;
}

// The user guide's copy docs/images/NAME.png: written only under xcb with
// SCIAGENTS_UPDATE_DOC_IMAGES=1; false when that save fails.
inline bool updateDocImage(const QImage& img, const QString& name) {
  if (QGuiApplication::platformName() != QLatin1String("xcb") ||
      qEnvironmentVariable("SCIAGENTS_UPDATE_DOC_IMAGES") != QLatin1String("1"))
    return true;
  QDir().mkpath(SCIAGENTS_SOURCE_DIR "/docs/images");
  return img.save(QStringLiteral(SCIAGENTS_SOURCE_DIR "/docs/images/%1.png").arg(name));
}

// Saves the build's copy and, when asked for under xcb, the docs' copy; false when a save fails.
inline bool saveScreenshot(const QImage& img, const QString& name) {
  return img.save(screenshotDir() + QLatin1Char('/') + name + platformSuffix() + ".png") &&
         updateDocImage(img, name);
}

}  // namespace studio_test
