// Step fingerprints (ui/step_fingerprint.h): a hash of each step's JSON and its upstream's.
#include "ui/step_fingerprint.h"

#include "ui/qt_convert.h"
#include "ui/workflow_links.h"

#include <QCryptographicHash>

#include <functional>
#include <map>

namespace sciagents::ui {

QHash<QString, QByteArray> stepFingerprints(const core::Workflow& workflow) {
  const nlohmann::json steps = workflow.toJson().value("steps", nlohmann::json::array());
  std::map<std::string, std::string> own;  // id -> the step's JSON text
  for (const auto& s : steps)
    if (s.is_object() && s.contains("id") && s["id"].is_string())
      own[s["id"].get<std::string>()] = s.dump();
  std::map<std::string, QByteArray> done;
  // Depth-first over the steps each one reads from; `guard` stops a cycle (an invalid workflow).
  std::function<QByteArray(const std::string&, int)> print = [&](const std::string& id, int guard) {
    if (auto it = done.find(id); it != done.end()) return it->second;
    QCryptographicHash hash(QCryptographicHash::Sha1);
    const auto it = own.find(id);
    hash.addData(QByteArray::fromStdString(it == own.end() ? std::string() : it->second));
    if (guard < 64)
      for (const std::string& up : directUpstream(workflow, id))  // a sorted set: a stable order
        if (up != id && own.count(up)) hash.addData(print(up, guard + 1));
    return done[id] = hash.result();
  };
  QHash<QString, QByteArray> out;
  for (const auto& [id, text] : own) out.insert(qstr(id), print(id, 0));
  return out;
}

}  // namespace sciagents::ui
