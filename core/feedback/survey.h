// Survey definitions (resources/surveys/*.json) and the answers to them: parsing with errors that
// name the survey, question and field; answer validation; the response document that travels from
// Studio's outbox to POST /v1/feedback. No Qt: Studio, the server and the CLI share this code.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sciagents::core::feedback {

enum class QuestionType { SingleChoice, MultipleChoice, Ranking, Stars, Nps, YesNo, Text };

std::string_view questionTypeName(QuestionType t);

struct Option {
  std::string id;
  std::string text;
};

struct Question {
  std::string id;
  std::string text;
  QuestionType type = QuestionType::Text;
  bool required = false;
  std::vector<Option> options;  // choices, ranking items, yes_no choices (default yes/no)
  bool details = false;         // yes_no: a free-text "details" box
  std::string details_prompt;
  std::size_t max_length = 2000;  // text and details, in bytes
  std::string metric;             // "nps" | "satisfaction": feeds the summary's headline figures

  bool hasOption(const std::string& id) const;
};

struct Survey {
  std::string id;
  int version = 1;
  std::string title;
  std::string intro;
  std::vector<Question> questions;

  const Question* question(const std::string& id) const;
};

// Throws Error(InvalidInput) naming `source`, the question and the field at fault.
Survey parseSurvey(const nlohmann::json& doc, const std::string& source);
Survey parseSurveyText(std::string_view text, const std::string& source);

// The surveys shipped in resources/surveys/ (compiled in, so the server needs no resource files).
const std::vector<Survey>& builtinSurveys();
const Survey* findSurvey(const std::vector<Survey>& surveys, const std::string& id);

struct AnswerIssue {
  std::string question;  // "" for the answer set as a whole
  std::string message;
};

// `answers` is {question id: answer}; an absent or null member is "not answered". Answer shapes:
// single_choice "opt"; multiple_choice ["opt", ...]; ranking [all option ids, best first];
// stars 1..5; nps 0..10 (integers); yes_no {"choice": "yes", "details": "..."}; text "...".
std::vector<AnswerIssue> validateAnswers(const Survey& survey, const nlohmann::json& answers);
std::string describe(const std::vector<AnswerIssue>& issues);  // "question 'x': ...; ..."

// A response ready for the outbox: {"response_id", "survey", "version", "submitted_at", "client",
// "answers"}. Throws Error(InvalidInput) when the answers do not validate.
nlohmann::json makeResponse(const Survey& survey, const nlohmann::json& answers,
                            const std::string& response_id, std::int64_t time_us,
                            const std::string& client);

// 32 lowercase hex digits from a CSPRNG: the idempotency key of one response or event.
std::string newResponseId();
bool isResponseId(const std::string& id);  // 16..64 characters of [0-9a-f-]

// Checks a response document as received by the server; empty when valid.
std::vector<AnswerIssue> validateResponse(const nlohmann::json& doc,
                                          const std::vector<Survey>& surveys);

}  // namespace sciagents::core::feedback
