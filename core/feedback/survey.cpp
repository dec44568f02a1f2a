#include "core/feedback/survey.h"

#include "core/feedback/builtin_survey_texts.h"
#include "core/store/token_store.h"
#include "core/util/clock.h"
#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sciagents::core::feedback {

using nlohmann::json;

namespace {

struct TypeName {
  QuestionType type;
  std::string_view name;
};
constexpr TypeName kTypes[] = {{QuestionType::SingleChoice, "single_choice"},
                               {QuestionType::MultipleChoice, "multiple_choice"},
                               {QuestionType::Ranking, "ranking"},
                               {QuestionType::Stars, "stars"},
                               {QuestionType::Nps, "nps"},
                               {QuestionType::YesNo, "yes_no"},
                               {QuestionType::Text, "text"}};

bool validId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+' || c == '.';
  });
}

// Short and printable: safe to echo in an error message.
std::string echo(const json& v) {
  std::string s = v.dump(-1, ' ', true, json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 60) + "...";
  return s;
}

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return s.size() > 64 ? out + "..." : out;
}

[[noreturn]] void defError(const std::string& where, const std::string& msg) {
  throw Error(ErrorCode::InvalidInput, "survey definition " + where + ": " + msg);
}

std::string stringField(const json& obj, const char* key, const std::string& where, bool required) {
  if (!obj.contains(key)) {
    if (required) defError(where, std::string("missing field '") + key + "'");
    return {};
  }
  if (!obj[key].is_string())
    defError(where, std::string("field '") + key + "' must be a string, got " + echo(obj[key]));
  return obj[key].get<std::string>();
}

Question parseQuestion(const json& q, const std::string& where) {
  if (!q.is_object()) defError(where, "each question must be an object, got " + echo(q));
  static const std::set<std::string> known = {"id",        "type",    "text",           "required",
                                              "options",   "details", "details_prompt", "metric",
                                              "max_length"};
  for (auto it = q.begin(); it != q.end(); ++it)
    if (!known.count(it.key())) defError(where, "unknown field '" + it.key() + "'");
  Question out;
  out.id = stringField(q, "id", where, true);
  if (!validId(out.id))
    defError(where, "question id '" + out.id + "' must be 1..64 of [A-Za-z0-9_.+-]");
  const std::string w = where + ", question '" + out.id + "'";
  out.text = stringField(q, "text", w, true);
  const std::string type = stringField(q, "type", w, true);
  const auto t = std::find_if(std::begin(kTypes), std::end(kTypes),
                              [&](const TypeName& n) { return n.name == type; });
  if (t == std::end(kTypes))
    defError(
        w, "type '" + type +
               "' is not one of single_choice, multiple_choice, ranking, stars, nps, yes_no, text");
  out.type = t->type;
  if (q.contains("required")) {
    if (!q["required"].is_boolean()) defError(w, "field 'required' must be true or false");
    out.required = q["required"].get<bool>();
  }
  if (q.contains("details")) {
    if (!q["details"].is_boolean()) defError(w, "field 'details' must be true or false");
    out.details = q["details"].get<bool>();
  }
  out.details_prompt = stringField(q, "details_prompt", w, false);
  out.metric = stringField(q, "metric", w, false);
  if (!out.metric.empty() && !(out.metric == "nps" && out.type == QuestionType::Nps) &&
      !(out.metric == "satisfaction" && out.type == QuestionType::Stars))
    defError(w, "metric '" + out.metric +
                    "' needs type nps (metric nps) or stars (metric satisfaction)");
  if (q.contains("max_length")) {
    const auto& m = q["max_length"];
    if (!m.is_number_unsigned() || m.get<std::uint64_t>() < 1 || m.get<std::uint64_t>() > 100000)
      defError(w, "field 'max_length' must be an integer 1..100000, got " + echo(m));
    out.max_length = m.get<std::size_t>();
  }
  const bool choice = out.type == QuestionType::SingleChoice ||
                      out.type == QuestionType::MultipleChoice || out.type == QuestionType::Ranking;
  if (q.contains("options")) {
    if (!choice && out.type != QuestionType::YesNo)
      defError(w, "type " + type + " takes no 'options'");
    if (!q["options"].is_array()) defError(w, "field 'options' must be an array");
    std::set<std::string> seen;
    for (const auto& o : q["options"]) {
      if (!o.is_object()) defError(w, "each option must be {\"id\", \"text\"}, got " + echo(o));
      Option opt{stringField(o, "id", w + ", option", true),
                 stringField(o, "text", w + ", option", true)};
      if (!validId(opt.id))
        defError(w, "option id '" + opt.id + "' must be 1..64 of [A-Za-z0-9_.+-]");
      if (!seen.insert(opt.id).second) defError(w, "option id '" + opt.id + "' appears twice");
      out.options.push_back(std::move(opt));
    }
  }
  if (out.type == QuestionType::YesNo && out.options.empty())
    out.options = {{"yes", "Yes"}, {"no", "No"}};
  if ((choice || out.type == QuestionType::YesNo) && out.options.size() < 2)
    defError(w, "type " + type + " needs at least two options");
  if (out.details && out.type != QuestionType::YesNo)
    defError(w, "'details' applies to yes_no only");
  return out;
}

bool isBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string options(const Question& q) {
  std::string s;
  for (const auto& o : q.options) s += (s.empty() ? "" : ", ") + o.id;
  return s;
}

// Issue text for one answer, or "" when it is acceptable (unanswered optional questions included).
std::string checkAnswer(const Question& q, const json& a) {
  const bool missing = a.is_null();
  switch (q.type) {
    case QuestionType::SingleChoice:
      if (missing) break;
      if (!a.is_string()) return "expected one option id (" + options(q) + "), got " + echo(a);
      if (!q.hasOption(a.get<std::string>()))
        return "'" + printable(a.get<std::string>()) + "' is not an option (" + options(q) + ")";
      return {};
    case QuestionType::MultipleChoice:
    case QuestionType::Ranking: {
      if (missing) break;
      if (!a.is_array())
        return "expected a list of option ids (" + options(q) + "), got " + echo(a);
      std::set<std::string> seen;
      for (const auto& v : a) {
        if (!v.is_string()) return "expected option ids, got " + echo(v);
        if (!q.hasOption(v.get<std::string>()))
          return "'" + printable(v.get<std::string>()) + "' is not an option (" + options(q) + ")";
        if (!seen.insert(v.get<std::string>()).second)
          return "option '" + printable(v.get<std::string>()) + "' appears twice";
      }
      if (q.type == QuestionType::Ranking && seen.size() != q.options.size())
        return "a ranking must order all " + std::to_string(q.options.size()) + " options (" +
               options(q) + "), got " + std::to_string(seen.size());
      if (q.required && seen.empty()) return "choose at least one option";
      return {};
    }
    case QuestionType::Stars:
    case QuestionType::Nps: {
      if (missing) break;
      const int lo = q.type == QuestionType::Stars ? 1 : 0,
                hi = q.type == QuestionType::Stars ? 5 : 10;
      const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
      if (!a.is_number_integer()) return "expected an integer " + range + ", got " + echo(a);
      const auto v = a.get<std::int64_t>();
      if (v < lo || v > hi) return "expected an integer " + range + ", got " + std::to_string(v);
      return {};
    }
    case QuestionType::YesNo: {
      if (missing) break;
      if (!a.is_object() || !a.contains("choice") || !a["choice"].is_string())
        return "expected {\"choice\": " + options(q) + ", \"details\": \"...\"}, got " + echo(a);
      for (auto it = a.begin(); it != a.end(); ++it)
        if (it.key() != "choice" && !(it.key() == "details" && q.details))
          return "unknown member '" + printable(it.key()) + "'" +
                 (q.details ? " (choice, details)" : " (choice)");
      if (!q.hasOption(a["choice"].get<std::string>()))
        return "'" + printable(a["choice"].get<std::string>()) + "' is not a choice (" +
               options(q) + ")";
      if (a.contains("details")) {
        if (!a["details"].is_string()) return "'details' must be text";
        if (a["details"].get<std::string>().size() > q.max_length)
          return "details longer than " + std::to_string(q.max_length) + " bytes";
      }
      return {};
    }
    case QuestionType::Text:
      if (missing) break;
      if (!a.is_string()) return "expected text, got " + echo(a);
      if (a.get<std::string>().size() > q.max_length)
        return "text of " + std::to_string(a.get<std::string>().size()) + " bytes exceeds " +
               std::to_string(q.max_length);
      if (q.required && isBlank(a.get<std::string>())) return "an answer is required";
      return {};
  }
  return q.required ? "an answer is required" : std::string();
}

}  // namespace

std::string_view questionTypeName(QuestionType t) {
  for (const auto& n : kTypes)
    if (n.type == t) return n.name;
  return "text";
}

bool Question::hasOption(const std::string& oid) const {
  return std::any_of(options.begin(), options.end(), [&](const Option& o) { return o.id == oid; });
}

const Question* Survey::question(const std::string& qid) const {
  for (const auto& q : questions)
    if (q.id == qid) return &q;
  return nullptr;
}

Survey parseSurvey(const json& doc, const std::string& source) {
  if (!doc.is_object()) defError(source, "must be a JSON object");
  static const std::set<std::string> known = {"survey", "version", "title", "intro", "questions"};
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!known.count(it.key()))
      defError(source, "unknown field '" + printable(it.key()) +
                           "' (survey, version, title, intro, questions)");
  Survey s;
  s.id = stringField(doc, "survey", source, true);
  if (!validId(s.id)) defError(source, "survey id '" + s.id + "' must be 1..64 of [A-Za-z0-9_.+-]");
  const std::string where = source + " (survey '" + s.id + "')";
  if (!doc.contains("version") || !doc["version"].is_number_unsigned() ||
      doc["version"].get<std::uint64_t>() < 1 || doc["version"].get<std::uint64_t>() > 1000000)
    defError(where, "field 'version' must be a positive integer");
  s.version = doc["version"].get<int>();
  s.title = stringField(doc, "title", where, true);
  s.intro = stringField(doc, "intro", where, false);
  if (!doc.contains("questions") || !doc["questions"].is_array() || doc["questions"].empty())
    defError(where, "field 'questions' must be a non-empty array");
  std::set<std::string> ids;
  for (const auto& q : doc["questions"]) {
    s.questions.push_back(parseQuestion(q, where));
    if (!ids.insert(s.questions.back().id).second)
      defError(where, "question id '" + s.questions.back().id + "' appears twice");
  }
  return s;
}

Survey parseSurveyText(std::string_view text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    defError(source, std::string("not valid JSON: ") + e.what());
  }
  return parseSurvey(doc, source);
}

const std::vector<Survey>& builtinSurveys() {
  static const std::vector<Survey> all = [] {
    std::vector<Survey> v;
    for (const auto& [name, text] : builtinSurveyTexts())
      v.push_back(parseSurveyText(text, "resources/surveys/" + std::string(name)));
    return v;
  }();
  return all;
}

const Survey* findSurvey(const std::vector<Survey>& surveys, const std::string& id) {
  for (const auto& s : surveys)
    if (s.id == id) return &s;
  return nullptr;
}

std::vector<AnswerIssue> validateAnswers(const Survey& survey, const json& answers) {
  std::vector<AnswerIssue> issues;
  if (!answers.is_object()) {
    issues.push_back({"", "answers must be an object {question id: answer}, got " + echo(answers)});
    return issues;
  }
  for (auto it = answers.begin(); it != answers.end(); ++it)
    if (!survey.question(it.key()))
      issues.push_back(
          {it.key(), "survey '" + survey.id + "' has no question '" + printable(it.key()) + "'"});
  for (const auto& q : survey.questions) {
    const json a = answers.contains(q.id) ? answers[q.id] : json();
    if (auto msg = checkAnswer(q, a); !msg.empty()) issues.push_back({q.id, msg});
  }
  return issues;
}

std::string describe(const std::vector<AnswerIssue>& issues) {
  std::string s;
  for (const auto& i : issues) {
    if (!s.empty()) s += "; ";
    s += i.question.empty() ? i.message : "question '" + i.question + "': " + i.message;
  }
  return s;
}

json makeResponse(const Survey& survey, const json& answers, const std::string& response_id,
                  std::int64_t time_us, const std::string& client) {
  if (!isResponseId(response_id))
    throw Error(ErrorCode::InvalidInput,
                "response id '" + response_id + "' must be 16..64 characters of [0-9a-f-]");
  if (const auto issues = validateAnswers(survey, answers); !issues.empty())
    throw Error(ErrorCode::InvalidInput, "survey '" + survey.id + "': " + describe(issues));
  json clean = json::object();
  for (auto it = answers.begin(); it != answers.end(); ++it)
    if (!it.value().is_null()) clean[it.key()] = it.value();
  return {{"response_id", response_id}, {"survey", survey.id},
          {"version", survey.version},  {"submitted_at", isoTimeMicros(time_us)},
          {"client", client},           {"answers", clean}};
}

std::string newResponseId() { return store::TokenStore::randomHex(16); }

bool isResponseId(const std::string& id) {
  return id.size() >= 16 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
         });
}

std::vector<AnswerIssue> validateResponse(const json& doc, const std::vector<Survey>& surveys) {
  std::vector<AnswerIssue> issues;
  auto bad = [&](const std::string& m) {
    issues.push_back({"", m});
    return issues;
  };
  if (!doc.is_object()) return bad("the body must be a JSON object (a survey response)");
  static const std::set<std::string> known = {"response_id",  "survey", "version",
                                              "submitted_at", "client", "answers"};
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!known.count(it.key()))
      return bad("unknown field '" + it.key() +
                 "' (response_id, survey, version, submitted_at, client, answers)");
  if (!doc.contains("response_id") || !doc["response_id"].is_string() ||
      !isResponseId(doc["response_id"].get<std::string>()))
    return bad("field 'response_id' must be 16..64 characters of [0-9a-f-]");
  if (!doc.contains("survey") || !doc["survey"].is_string())
    return bad("field 'survey' must be a survey id");
  const std::string id = doc["survey"].get<std::string>();
  const Survey* s = findSurvey(surveys, id);
  if (!s) {
    std::string known_ids;
    for (const auto& k : surveys) known_ids += (known_ids.empty() ? "" : ", ") + k.id;
    return bad("unknown survey '" + printable(id) + "' (known: " + known_ids + ")");
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer() ||
      doc["version"].get<std::int64_t>() != s->version)
    return bad("survey '" + id + "': field 'version' must be " + std::to_string(s->version) +
               (doc.contains("version") ? ", got " + echo(doc["version"]) : std::string()));
  if (!doc.contains("submitted_at") || !doc["submitted_at"].is_string() ||
      doc["submitted_at"].get<std::string>().size() > 64)
    return bad("field 'submitted_at' must be an ISO 8601 time string");
  if (doc.contains("client") &&
      (!doc["client"].is_string() || doc["client"].get<std::string>().size() > 200))
    return bad("field 'client' must be a string of at most 200 bytes");
  if (!doc.contains("answers")) return bad("missing field 'answers'");
  return validateAnswers(*s, doc["answers"]);
}

}  // namespace sciagents::core::feedback
