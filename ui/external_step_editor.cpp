#include "ui/external_step_editor.h"

#include "ui/external_test_run.h"
#include "ui/placeholder_highlighter.h"
#include "ui/qt_convert.h"
#include "ui/theme.h"
#include "ui/workflow_document.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sciagents::ui {

using nlohmann::json;

namespace {

enum OutputMode { StdoutJson = 0, JsonFile, CsvFile, Regex };

// A templates / files entry: "path" or {"file": path, "to": name}.
QString entryFile(const json& e) {
  if (e.is_string()) return qstr(e.get<std::string>());
  return e.is_object() && e.contains("file") && e["file"].is_string()
             ? qstr(e["file"].get<std::string>())
             : QString();
}
QString entryTo(const json& e) {
  if (e.is_object() && e.contains("to") && e["to"].is_string())
    return qstr(e["to"].get<std::string>());
  QString name = QFileInfo(entryFile(e)).fileName();
  if (name.endsWith(QLatin1String(".tpl"))) name.chop(4);
  return name;
}

QPushButton* smallButton(const QString& text, const QString& tip, const QString& name,
                         QWidget* parent) {
  auto* b = new QPushButton(text, parent);
  b->setToolTip(tip);
  b->setObjectName(name);
  b->setAutoDefault(false);
  return b;
}

QStringList splitNames(const QString& text) {
  static const QRegularExpression sep(QStringLiteral("[,\\s]+"));
  return text.split(sep, Qt::SkipEmptyParts);
}
}  // namespace

QStringList ExternalStepEditor::handledParams(const QString& task) {
  if (task == QLatin1String("external.command"))
    return {QStringLiteral("command"), QStringLiteral("templates"), QStringLiteral("outputs"),
            QStringLiteral("output_names")};
  if (task == QLatin1String("external.python"))
    return {QStringLiteral("module"), QStringLiteral("function"), QStringLiteral("outputs")};
  return {};
}

ExternalStepEditor::ExternalStepEditor(WorkflowDocument* doc, QWidget* parent)
    : QWidget(parent), m_doc(doc), m_test(new ExternalTestRun(doc)) {
  setObjectName(QStringLiteral("ExternalStepEditor"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(buildProgram());
  layout->addWidget(buildTemplates());
  layout->addWidget(buildOutputs());
  auto* test_box = new QGroupBox(tr("Test run"), parent);
  m_test_box = test_box;
  m_test_box->setObjectName(QStringLiteral("ExternalTestRunBox"));
  (new QVBoxLayout(test_box))->addWidget(m_test);
  hide();
  m_test_box->hide();
}

QWidget* ExternalStepEditor::buildProgram() {
  m_program_box = new QGroupBox(tr("Program"), this);
  m_program_box->setObjectName(QStringLiteral("ExternalProgramBox"));
  m_program = new QLineEdit(m_program_box);
  m_program->setObjectName(QStringLiteral("ExternalProgramEdit"));
  auto* choose = smallButton(tr("Choose…"), tr("Pick the file with a file dialog"),
                             QStringLiteral("ExternalProgramButton"), m_program_box);
  m_function = new QComboBox(m_program_box);
  m_function->setEditable(true);
  m_function->setObjectName(QStringLiteral("ExternalFunctionBox"));
  m_function->setToolTip(
      tr("The function of the module to call (the module's top-level functions are listed)"));
  m_args = new QListWidget(m_program_box);
  m_args->setObjectName(QStringLiteral("ExternalArgsList"));
  m_args->setToolTip(
      tr("argv after the program, one entry per row (no shell); double-click to edit; "
         "{{name}} puts an input's value in"));
  m_args->setMaximumHeight(72);
  m_arg_add = smallButton(tr("Add"), tr("Add an argument"), QStringLiteral("ExternalArgAdd"),
                          m_program_box);
  m_arg_remove = smallButton(tr("Remove"), tr("Remove the selected argument"),
                             QStringLiteral("ExternalArgRemove"), m_program_box);
  m_arg_up = smallButton(tr("Up"), tr("Move the selected argument up"),
                         QStringLiteral("ExternalArgUp"), m_program_box);
  m_arg_down = smallButton(tr("Down"), tr("Move the selected argument down"),
                           QStringLiteral("ExternalArgDown"), m_program_box);

  auto* form = new QFormLayout(m_program_box);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* row = new QHBoxLayout;
  row->addWidget(m_program, 1);
  row->addWidget(choose);
  m_program_label = new QLabel(tr("Program"), m_program_box);
  form->addRow(m_program_label, row);
  m_function_label = new QLabel(tr("Function"), m_program_box);
  form->addRow(m_function_label, m_function);
  m_args_row = new QWidget(m_program_box);
  auto* args_layout = new QHBoxLayout(m_args_row);
  args_layout->setContentsMargins(0, 0, 0, 0);
  args_layout->addWidget(m_args, 1);
  auto* buttons = new QVBoxLayout;
  for (QPushButton* b : {m_arg_add, m_arg_remove, m_arg_up, m_arg_down}) buttons->addWidget(b);
  buttons->addStretch();
  args_layout->addLayout(buttons);
  m_args_label = new QLabel(tr("Arguments"), m_program_box);
  form->addRow(m_args_label, m_args_row);

  connect(m_program, &QLineEdit::editingFinished, this, [this] {
    if (!m_updating) setProgram(m_program->text().trimmed());
  });
  connect(choose, &QPushButton::clicked, this, [this] {
    const QString start = m_program->text().isEmpty() ? QString() : resolvedPath(m_program->text());
    const QString path = QFileDialog::getOpenFileName(
        this, isPython() ? tr("Python module") : tr("Program"), start,
        isPython() ? tr("Python files (*.py);;All files (*)") : tr("All files (*)"));
    if (!path.isEmpty()) setProgram(path);
  });
  connect(m_function->lineEdit(), &QLineEdit::editingFinished, this, [this] {
    if (m_updating) return;
    const QString f = m_function->currentText().trimmed();
    commit("function", f.isEmpty() ? json() : json(f.toStdString()));
  });
  connect(m_function, &QComboBox::activated, this, [this](int i) {
    if (!m_updating) commit("function", m_function->itemText(i).toStdString());
  });
  connect(m_args, &QListWidget::itemChanged, this, [this] {
    if (!m_updating) commitArgs();
  });
  connect(m_arg_add, &QPushButton::clicked, this, [this] {
    auto* item = new QListWidgetItem(QStringLiteral("arg"));
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    m_updating = true;
    m_args->addItem(item);
    m_updating = false;
    commitArgs();
    m_args->setCurrentItem(m_args->item(m_args->count() - 1));
    m_args->editItem(m_args->currentItem());
  });
  connect(m_arg_remove, &QPushButton::clicked, this, [this] {
    const int r = m_args->currentRow();
    if (r < 0) return;
    m_updating = true;
    delete m_args->takeItem(r);
    m_updating = false;
    commitArgs();
  });
  connect(m_arg_up, &QPushButton::clicked, this, [this] { moveArg(-1); });
  connect(m_arg_down, &QPushButton::clicked, this, [this] { moveArg(+1); });
  return m_program_box;
}

QWidget* ExternalStepEditor::buildTemplates() {
  m_templates_box = new QGroupBox(tr("Input templates"), this);
  m_templates_box->setObjectName(QStringLiteral("ExternalTemplatesBox"));
  m_templates = new QListWidget(m_templates_box);
  m_templates->setObjectName(QStringLiteral("ExternalTemplatesList"));
  m_templates->setMaximumHeight(60);
  auto* add = smallButton(tr("Add…"),
                          tr("Add a template file: its {{name}} placeholders are filled "
                             "with the inputs and it is written into the work directory"),
                          QStringLiteral("ExternalTemplateAdd"), m_templates_box);
  auto* remove = smallButton(tr("Remove"), tr("Remove the selected template"),
                             QStringLiteral("ExternalTemplateRemove"), m_templates_box);
  m_template_text = new QPlainTextEdit(m_templates_box);
  m_template_text->setObjectName(QStringLiteral("ExternalTemplateText"));
  m_template_text->setReadOnly(true);
  m_template_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  m_template_text->setFont(QFont(QStringLiteral("monospace")));
  m_template_text->setMaximumHeight(110);
  m_template_text->setToolTip(
      tr("The selected template as it is on disk (read-only): "
         "placeholders of known inputs are highlighted, unknown ones underlined in red"));
  m_highlighter = new PlaceholderHighlighter(m_template_text->document());
  m_issues = new QLabel(m_templates_box);
  m_issues->setObjectName(QStringLiteral("ExternalPlaceholderIssues"));
  m_issues->setWordWrap(true);
  m_issues->setStyleSheet(errorStyleSheet(QStringLiteral("QLabel")));
  auto* layout = new QVBoxLayout(m_templates_box);
  auto* row = new QHBoxLayout;
  row->addWidget(m_templates, 1);
  auto* buttons = new QVBoxLayout;
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch();
  row->addLayout(buttons);
  layout->addLayout(row);
  layout->addWidget(m_template_text);
  layout->addWidget(m_issues);
  connect(add, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Template"), {},
                                                      tr("Templates (*.tpl);;All files (*)"));
    if (!path.isEmpty()) addTemplate(path);
  });
  connect(remove, &QPushButton::clicked, this, [this] {
    const int r = m_templates->currentRow();
    json list = param("templates");
    if (r < 0 || !list.is_array() || r >= int(list.size())) return;
    list.erase(list.begin() + r);
    commit("templates", list.empty() ? json() : list);
  });
  connect(m_templates, &QListWidget::currentRowChanged, this, [this] { showTemplate(); });
  return m_templates_box;
}

QWidget* ExternalStepEditor::buildOutputs() {
  m_outputs_box = new QGroupBox(tr("Outputs"), this);
  m_outputs_box->setObjectName(QStringLiteral("ExternalOutputsBox"));
  m_mode = new QComboBox(m_outputs_box);
  m_mode->setObjectName(QStringLiteral("ExternalOutputMode"));
  m_mode->addItems({tr("JSON on stdout"), tr("JSON file"), tr("CSV file"), tr("Regex captures")});
  m_out_file = new QLineEdit(m_outputs_box);
  m_out_file->setObjectName(QStringLiteral("ExternalOutputFile"));
  m_out_file->setPlaceholderText(tr("name in the work directory, e.g. results.json"));
  m_regex = new QTableWidget(0, 2, m_outputs_box);
  m_regex->setObjectName(QStringLiteral("ExternalRegexTable"));
  m_regex->setHorizontalHeaderLabels({tr("Name"), tr("Pattern (one capture group)")});
  m_regex->horizontalHeader()->setStretchLastSection(true);
  m_regex->verticalHeader()->hide();
  m_regex->setMaximumHeight(100);
  auto* add = smallButton(tr("Add"), tr("Add a named pattern"), QStringLiteral("ExternalRegexAdd"),
                          m_outputs_box);
  auto* remove = smallButton(tr("Remove"), tr("Remove the selected pattern"),
                             QStringLiteral("ExternalRegexRemove"), m_outputs_box);
  m_regex_box = new QWidget(m_outputs_box);
  auto* regex_layout = new QHBoxLayout(m_regex_box);
  regex_layout->setContentsMargins(0, 0, 0, 0);
  regex_layout->addWidget(m_regex, 1);
  auto* buttons = new QVBoxLayout;
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch();
  regex_layout->addLayout(buttons);
  m_names = new QLineEdit(m_outputs_box);
  m_names->setObjectName(QStringLiteral("ExternalOutputNames"));
  m_names->setPlaceholderText(tr("e.g. range, t_flight"));
  auto* form = new QFormLayout(m_outputs_box);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->addRow(tr("Read"), m_mode);
  m_out_file_label = new QLabel(tr("File"), m_outputs_box);
  form->addRow(m_out_file_label, m_out_file);
  form->addRow(m_regex_box);
  form->addRow(tr("Names"), m_names);

  connect(m_mode, &QComboBox::activated, this, [this](int mode) {
    if (m_updating) return;
    const QString file = m_out_file->text().trimmed();
    if (mode == Regex && m_regex->rowCount() == 0) {  // a first row to edit
      m_updating = true;
      m_regex->insertRow(0);
      m_regex->setItem(0, 0, new QTableWidgetItem(QStringLiteral("y")));
      m_regex->setItem(0, 1, new QTableWidgetItem(QStringLiteral("y = (\\S+)")));
      m_updating = false;
    }
    if ((mode == JsonFile && !file.endsWith(QLatin1String(".json"))) ||
        (mode == CsvFile && !file.endsWith(QLatin1String(".csv")))) {
      const QString base =
          file.isEmpty() ? QStringLiteral("results") : QFileInfo(file).completeBaseName();
      m_out_file->setText(base +
                          (mode == JsonFile ? QStringLiteral(".json") : QStringLiteral(".csv")));
    }
    commitOutputs();
  });
  connect(m_out_file, &QLineEdit::editingFinished, this, [this] {
    if (!m_updating) commitOutputs();
  });
  connect(m_regex, &QTableWidget::itemChanged, this, [this] {
    if (!m_updating) commitOutputs();
  });
  connect(add, &QPushButton::clicked, this, [this] {
    m_updating = true;
    const int r = m_regex->rowCount();
    m_regex->insertRow(r);
    m_regex->setItem(r, 0, new QTableWidgetItem(QStringLiteral("y%1").arg(r + 1)));
    m_regex->setItem(r, 1, new QTableWidgetItem(QStringLiteral("y%1 = (\\S+)").arg(r + 1)));
    m_updating = false;
    commitOutputs();
  });
  connect(remove, &QPushButton::clicked, this, [this] {
    const int r = m_regex->currentRow();
    if (r < 0 || m_regex->rowCount() <= 1) return;  // regex mode needs a pattern
    m_updating = true;
    m_regex->removeRow(r);
    m_updating = false;
    commitOutputs();
  });
  connect(m_names, &QLineEdit::editingFinished, this, [this] {
    if (m_updating) return;
    json names = json::array();
    for (const QString& n : splitNames(m_names->text())) names.push_back(n.toStdString());
    commit(isPython() ? "outputs" : "output_names", names.empty() ? json() : names);
  });
  return m_outputs_box;
}

json ExternalStepEditor::param(const char* name) const {
  const core::Step* s = m_doc->step(m_step);
  return s && s->params.contains(name) ? s->params[name] : json();
}

void ExternalStepEditor::commit(const char* name, const json& value) {
  if (m_step.isEmpty()) return;
  m_doc->setParam(m_step, QString::fromLatin1(name), value);
  refresh();  // unchanged values (a refused or no-op edit) come back as the document has them
}

QString ExternalStepEditor::storedPath(const QString& path) const {
  const QFileInfo fi(path);
  if (!fi.isAbsolute() || m_doc->filePath().isEmpty()) return path;
  const QDir base = QFileInfo(m_doc->filePath()).absoluteDir();
  const QString rel = base.relativeFilePath(fi.absoluteFilePath());
  return rel.startsWith(QLatin1String("..")) ? fi.absoluteFilePath() : rel;
}

QString ExternalStepEditor::resolvedPath(const QString& stored) const {
  if (stored.isEmpty() || QFileInfo(stored).isAbsolute()) return stored;
  const QString base = m_doc->filePath().isEmpty() ? QDir::currentPath()
                                                   : QFileInfo(m_doc->filePath()).absolutePath();
  return QDir(base).filePath(stored);
}

void ExternalStepEditor::setProgram(const QString& path) {
  const QString stored = path.isEmpty() ? QString() : storedPath(path);
  if (isPython()) {
    commit("module", stored.isEmpty() ? json() : json(stored.toStdString()));
    return;
  }
  json argv = param("command");
  if (!argv.is_array()) argv = json::array();
  if (stored.isEmpty() && argv.size() <= 1) {
    commit("command", json());
    return;
  }
  if (argv.empty())
    argv.push_back(stored.toStdString());
  else
    argv[0] = stored.toStdString();
  commit("command", argv);
}

void ExternalStepEditor::addTemplate(const QString& path) {
  json list = param("templates");
  if (!list.is_array()) list = json::array();
  list.push_back(storedPath(path).toStdString());
  commit("templates", list);
  m_templates->setCurrentRow(m_templates->count() - 1);
}

void ExternalStepEditor::commitArgs() {
  json argv = json::array();
  argv.push_back(m_program->text().trimmed().toStdString());
  for (int i = 0; i < m_args->count(); ++i) argv.push_back(m_args->item(i)->text().toStdString());
  commit("command", argv);
}

void ExternalStepEditor::moveArg(int delta) {
  const int r = m_args->currentRow(), to = r + delta;
  if (r < 0 || to < 0 || to >= m_args->count()) return;
  m_updating = true;
  QListWidgetItem* item = m_args->takeItem(r);
  m_args->insertItem(to, item);
  m_updating = false;
  commitArgs();
  m_args->setCurrentRow(to);
}

void ExternalStepEditor::commitOutputs() {
  const int mode = m_mode->currentIndex();
  const QString file = m_out_file->text().trimmed();
  json out;
  if (mode == StdoutJson) {
    out = "stdout_json";
  } else if (mode == JsonFile || mode == CsvFile) {
    out = {{"file", (file.isEmpty() ? QStringLiteral("results.json") : file).toStdString()}};
    const bool guessed =
        file.endsWith(mode == JsonFile ? QLatin1String(".json") : QLatin1String(".csv"));
    if (!guessed) out["format"] = mode == JsonFile ? "json" : "csv";
  } else {
    json patterns = json::object();
    for (int r = 0; r < m_regex->rowCount(); ++r) {
      const QString name = m_regex->item(r, 0) ? m_regex->item(r, 0)->text().trimmed() : QString();
      const QString pattern = m_regex->item(r, 1) ? m_regex->item(r, 1)->text() : QString();
      if (!name.isEmpty()) patterns[name.toStdString()] = pattern.toStdString();
    }
    out = {{"regex", patterns}};
    if (!file.isEmpty()) out["file"] = file.toStdString();
  }
  commit("outputs", out);
}

void ExternalStepEditor::setStep(const QString& id) {
  const core::Step* s = id.isEmpty() ? nullptr : m_doc->step(id);
  const QString task = s ? qstr(s->agent + "." + s->task) : QString();
  const bool external = !handledParams(task).isEmpty();
  m_step = external ? id : QString();
  m_task = external ? task : QString();
  m_test->setStep(m_step);
  setVisible(external);
  m_test_box->setVisible(external);
  if (external) refresh();
}

void ExternalStepEditor::refresh() {
  const core::Step* s = m_step.isEmpty() ? nullptr : m_doc->step(m_step);
  if (!s || qstr(s->agent + "." + s->task) != m_task) {
    setStep(s ? m_step : QString());
    return;
  }
  m_updating = true;
  const bool py = isPython();
  m_program_box->setTitle(py ? tr("Python function") : tr("Program"));
  m_program_label->setText(py ? tr("Module") : tr("Program"));
  m_program->setPlaceholderText(py ? tr("model.py") : tr("path of the program (no shell)"));
  for (QWidget* w : std::initializer_list<QWidget*>{m_function_label, m_function})
    w->setVisible(py);
  for (QWidget* w : std::initializer_list<QWidget*>{m_args_label, m_args_row, m_templates_box})
    w->setVisible(!py);
  if (py) {
    const json module = param("module"), function = param("function");
    const QString m = module.is_string() ? qstr(module.get<std::string>()) : QString();
    if (m_program->text() != m) m_program->setText(m);
    loadFunctions();
    const QString f = function.is_string() ? qstr(function.get<std::string>()) : QString();
    if (m_function->currentText() != f) m_function->setCurrentText(f);
  } else {
    const json argv = param("command");
    const QString program = argv.is_array() && !argv.empty() && argv[0].is_string()
                                ? qstr(argv[0].get<std::string>())
                                : QString();
    if (m_program->text() != program) m_program->setText(program);
    QStringList args;
    if (argv.is_array())
      for (std::size_t i = 1; i < argv.size(); ++i)
        args << (argv[i].is_string() ? qstr(argv[i].get<std::string>()) : qstr(argv[i].dump()));
    QStringList shown;
    for (int i = 0; i < m_args->count(); ++i) shown << m_args->item(i)->text();
    if (shown != args) {
      const int row = m_args->currentRow();
      m_args->clear();
      for (const QString& a : args) {
        auto* item = new QListWidgetItem(a, m_args);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
      }
      m_args->setCurrentRow(std::min(row, m_args->count() - 1));
    }
    const json templates = param("templates");
    QStringList entries;
    if (templates.is_array())
      for (const auto& e : templates)
        entries << QFileInfo(entryFile(e)).fileName() + QStringLiteral("  →  ") + entryTo(e);
    QStringList listed;
    for (int i = 0; i < m_templates->count(); ++i) listed << m_templates->item(i)->text();
    if (listed != entries) {
      const int row = m_templates->currentRow();
      m_templates->clear();
      m_templates->addItems(entries);
      for (int i = 0; i < m_templates->count(); ++i)  // the whole path as stored
        m_templates->item(i)->setToolTip(entryFile(templates[std::size_t(i)]));
      m_templates->setCurrentRow(entries.isEmpty() ? -1
                                                   : std::clamp(row, 0, int(entries.size()) - 1));
    }
  }
  showOutputs();
  m_updating = false;
  showTemplate();
}

void ExternalStepEditor::showOutputs() {
  const bool py = isPython();
  const json names = param(py ? "outputs" : "output_names");
  QStringList list;
  if (names.is_array())
    for (const auto& n : names)
      if (n.is_string()) list << qstr(n.get<std::string>());
  if (names.is_string()) list << qstr(names.get<std::string>());
  const QString text = list.join(QStringLiteral(", "));
  if (m_names->text() != text) m_names->setText(text);
  m_names->setToolTip(py ? tr("Names for what the function returns (outputs)")
                         : tr("Results the program must produce (output_names)"));
  for (QWidget* w :
       std::initializer_list<QWidget*>{m_mode, m_out_file, m_out_file_label, m_regex_box})
    w->setVisible(!py);
  if (py) return;
  const json out = param("outputs");
  int mode = StdoutJson;
  QString file;
  json patterns;
  if (out.is_object()) {
    file = out.contains("file") && out["file"].is_string() ? qstr(out["file"].get<std::string>())
                                                           : QString();
    const std::string format = out.value("format", std::string());
    if (out.contains("regex") || format == "regex")
      mode = Regex, patterns = out.value("regex", json::object());
    else if (format == "csv" || (format.empty() && file.endsWith(QLatin1String(".csv"))))
      mode = CsvFile;
    else
      mode = JsonFile;
  }
  m_mode->setEnabled(!out.is_array());
  m_mode->setToolTip(out.is_array() ? tr("Several output sources: edit 'outputs' as JSON in the "
                                         "generic form")
                                    : QString());
  m_mode->setCurrentIndex(mode);
  if (m_out_file->text() != file && !m_out_file->hasFocus()) m_out_file->setText(file);
  m_out_file->setVisible(mode != StdoutJson);
  m_out_file_label->setVisible(mode != StdoutJson);
  m_out_file->setPlaceholderText(mode == Regex ? tr("empty: stdout") : tr("e.g. results.json"));
  m_regex_box->setVisible(mode == Regex);
  if (mode == Regex && patterns.is_object()) {
    m_regex->setRowCount(0);
    for (auto it = patterns.begin(); it != patterns.end(); ++it) {
      const int r = m_regex->rowCount();
      m_regex->insertRow(r);
      m_regex->setItem(r, 0, new QTableWidgetItem(qstr(it.key())));
      m_regex->setItem(
          r, 1,
          new QTableWidgetItem(it->is_string() ? qstr(it->get<std::string>()) : qstr(it->dump())));
    }
  }
}

void ExternalStepEditor::showTemplate() {
  const json templates = param("templates");
  const int r = m_templates->currentRow();
  QString text;
  if (templates.is_array() && r >= 0 && r < int(templates.size())) {
    QFile f(resolvedPath(entryFile(templates[std::size_t(r)])));
    text = f.open(QIODevice::ReadOnly)
               ? QString::fromUtf8(f.read(256 * 1024))
               : tr("(cannot read %1: %2)").arg(f.fileName(), f.errorString());
  }
  if (m_template_text->toPlainText() != text) m_template_text->setPlainText(text);
  m_template_text->setVisible(!text.isEmpty());
  m_template_readable = !text.isEmpty() && !text.startsWith(QLatin1String("(cannot read"));
  updateIssues();
}

void ExternalStepEditor::updateIssues() {
  const json inputs = param("inputs");
  QSet<QString> known;
  if (inputs.is_object())
    for (auto it = inputs.begin(); it != inputs.end(); ++it) known.insert(qstr(it.key()));
  m_highlighter->setKnownNames(known);
  QStringList problems;
  QStringList names(known.begin(), known.end());
  names.sort();
  const QString inputs_text = names.isEmpty() ? tr("none") : names.join(QStringLiteral(", "));
  if (!isPython()) {
    const QStringList in_template = unknownPlaceholderNames(m_template_text->toPlainText(), known);
    if (!in_template.isEmpty() && m_template_readable)
      problems << tr("Unknown input(s) in the template: %1 (inputs: %2)")
                      .arg(in_template.join(QStringLiteral(", ")), inputs_text);
    QStringList in_args;
    for (int i = 0; i < m_args->count(); ++i)
      for (const QString& n : unknownPlaceholderNames(m_args->item(i)->text(), known))
        if (!in_args.contains(n)) in_args << n;
    if (!in_args.isEmpty())
      problems << tr("Unknown input(s) in the arguments: %1 (inputs: %2)")
                      .arg(in_args.join(QStringLiteral(", ")), inputs_text);
  }
  m_issues->setText(problems.join(QLatin1Char('\n')));
  m_issues->setVisible(!problems.isEmpty());
  m_templates_box->setVisible(!isPython());
}

void ExternalStepEditor::loadFunctions() {
  QStringList functions;
  QFile f(resolvedPath(m_program->text()));
  if (f.open(QIODevice::ReadOnly)) {
    static const QRegularExpression def(QStringLiteral("^def\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\("),
                                        QRegularExpression::MultilineOption);
    const QString text = QString::fromUtf8(f.read(1024 * 1024));
    for (auto it = def.globalMatch(text); it.hasNext();) functions << it.next().captured(1);
  }
  QStringList listed;
  for (int i = 0; i < m_function->count(); ++i) listed << m_function->itemText(i);
  if (listed == functions) return;
  const QString current = m_function->currentText();
  m_function->clear();
  m_function->addItems(functions);
  m_function->setCurrentText(current);
}

}  // namespace sciagents::ui
