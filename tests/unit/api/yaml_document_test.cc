#include <cmath>

#include "api_test_support.h"

namespace aviary::api::testing {
namespace {

TEST(ParseDocuments, PlainScalarsFollowTheYaml12CoreSchema) {
  const Json doc = parseOne(R"(
int: 7
negative: -3
octal: 0o17
hex: 0x1F
float: 1.5
exp: 1e3
dot: .5
inf: -.inf
yes: yes
on: on
bool: true
Bool: False
nul: ~
empty:
quoted: "7"
single: 'true'
block: |
  12
leadingZero: 0755x
version: v1.2
tagged: !!str 42
)");
  EXPECT_EQ(doc["int"], 7);
  EXPECT_EQ(doc["negative"], -3);
  EXPECT_EQ(doc["octal"], 15);
  EXPECT_EQ(doc["hex"], 31);
  EXPECT_EQ(doc["float"], 1.5);
  EXPECT_EQ(doc["exp"], 1000.0);
  EXPECT_EQ(doc["dot"], 0.5);
  EXPECT_TRUE(std::isinf(doc["inf"].get<double>()));
  EXPECT_EQ(doc["yes"], "yes");  // YAML 1.1 booleans are strings in 1.2
  EXPECT_EQ(doc["on"], "on");
  EXPECT_EQ(doc["bool"], true);
  EXPECT_EQ(doc["Bool"], false);
  EXPECT_TRUE(doc["nul"].is_null());
  EXPECT_TRUE(doc["empty"].is_null());
  EXPECT_EQ(doc["quoted"], "7");
  EXPECT_EQ(doc["single"], "true");
  EXPECT_EQ(doc["block"], "12\n");
  EXPECT_EQ(doc["leadingZero"], "0755x");
  EXPECT_EQ(doc["version"], "v1.2");
  EXPECT_EQ(doc["tagged"], "42");
}

TEST(ParseDocuments, IntegersBeyondInt64KeepTheirMagnitude) {
  const Json doc = parseOne("big: 99999999999999999999\n");
  EXPECT_TRUE(doc["big"].is_number_float());
  EXPECT_GT(doc["big"].get<double>(), 9e19);
}

TEST(ParseDocuments, SplitsMultiDocumentStreamsAndSkipsEmptyDocuments) {
  FieldErrors errors;
  auto documents = parseDocuments("---\na: 1\n---\n# only a comment\n---\nb: [x]\n...\n", errors);
  ASSERT_TRUE(documents.ok());
  ASSERT_EQ(documents->size(), 2u);
  EXPECT_EQ(documents->at(0).object, Json::parse(R"({"a":1})"));
  EXPECT_EQ(documents->at(0).line, 2);
  EXPECT_EQ(documents->at(1).object, Json::parse(R"({"b":["x"]})"));
  EXPECT_EQ(documents->at(1).line, 6);
  EXPECT_TRUE(errors.empty());
}

TEST(ParseDocuments, AcceptsJson) {
  FieldErrors errors;
  auto documents = parseDocuments(R"({"kind": "ModelRelease", "spec": {"replicas": 2, "on": "x"}})", errors);
  ASSERT_TRUE(documents.ok());
  EXPECT_EQ(documents->at(0).object["spec"]["replicas"], 2);
}

TEST(ParseDocuments, EmptyTextHasNoDocuments) {
  FieldErrors errors;
  auto documents = parseDocuments("", errors);
  ASSERT_TRUE(documents.ok());
  EXPECT_TRUE(documents->empty());
}

struct MalformedCase {
  const char* text;
  int line;
  int column;
  const char* message;  // substring
};

TEST(ParseDocuments, MalformedYamlIsOneErrorWithLineAndColumn) {
  const MalformedCase cases[] = {
      {"a: [1, 2\nb: x", 2, 2, "end of sequence"},
      {"a: 1\n b: 2\n", 2, 3, ""},
      {"a: b: c\n", 1, 5, "illegal map value"},
      {"a: 1\na: 2\n", 2, 1, "duplicate key \"a\""},
      {"? [a, b]\n: 1\n", 1, 3, "mapping keys must be plain strings"},
      {"a: *unknown\n", 1, 4, ""},
      {"x: 1\n---\nk: {a: 1\n", 4, 1, ""},
  };
  for (const auto& c : cases) {
    FieldErrors errors;
    auto documents = parseDocuments(c.text, errors);
    ASSERT_FALSE(documents.ok()) << c.text;
    EXPECT_EQ(documents.error().code, ErrorCode::ParseError);
    ASSERT_EQ(errors.size(), 1u) << c.text;
    EXPECT_EQ(errors[0].line, c.line) << c.text << ": " << errors[0].describe();
    EXPECT_EQ(errors[0].column, c.column) << c.text << ": " << errors[0].describe();
    EXPECT_NE(errors[0].message.find(c.message), std::string::npos) << errors[0].message;
  }
}

TEST(ParseDocuments, RejectsAliasBombsAndDeepNestingInsteadOfExhaustingMemory) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'h'; ++name, ++previous) {
    bomb += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
  }
  FieldErrors errors;
  EXPECT_FALSE(parseDocuments(bomb, errors).ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("too large"), std::string::npos);

  errors.clear();
  EXPECT_FALSE(parseDocuments(std::string(150, '[') + std::string(150, ']'), errors).ok());
  ASSERT_EQ(errors.size(), 1u);
}

TEST(Document, LocatesErrorsAtTheFieldOrItsNearestWrittenAncestor) {
  FieldErrors none;
  auto documents = parseDocuments("spec:\n  steps:\n    - setWeight: 150\n    - pause: {}\n", none);
  ASSERT_TRUE(documents.ok());
  FieldErrors errors = {{"spec.steps[0].setWeight", "x"},
                        {"spec.steps[1].pause.duration", "missing"},
                        {"spec.model", "missing"},
                        {"", "root"},
                        {"spec.steps", "known", 9, 9}};
  documents->at(0).locate(errors);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column, 7);
  EXPECT_EQ(errors[1].line, 4);  // pause itself
  EXPECT_EQ(errors[1].column, 7);
  EXPECT_EQ(errors[2].line, 1);  // spec
  EXPECT_EQ(errors[3].line, 1);
  EXPECT_EQ(errors[4].line, 9);  // already known: kept
}

TEST(FieldError, DescribeNamesLineWhenKnown) {
  EXPECT_EQ((FieldError{"spec.replicas", "must be at least 0, got -1"}).describe(), "spec.replicas: must be at least 0, got -1");
  EXPECT_EQ((FieldError{"a", "b", 3, 4}).describe(), "line 3, column 4: a: b");
  EXPECT_EQ((FieldError{"", "bad", 1, 2}).describe(), "line 1, column 2: bad");
}

}  // namespace
}  // namespace aviary::api::testing

namespace aviary::api::testing {
namespace {

TEST(ParseDocuments, InvalidUtf8IsAParseErrorWithItsPosition) {
  for (const std::string& bad : {std::string("a: b\nkind: M\xF8\n"), std::string("a: b\nkind: M\xC3"),
                                 std::string("a: b\nkind: M\xED\xA0\x80\n"), std::string("a: b\nkind: M\xC0\xAF\n")}) {
    FieldErrors errors;
    ASSERT_FALSE(parseDocuments(bad, errors).ok());
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].line, 2);
    EXPECT_EQ(errors[0].column, 8);
    EXPECT_NE(errors[0].message.find("invalid UTF-8"), std::string::npos);
  }
  FieldErrors errors;
  EXPECT_TRUE(parseDocuments("name: \"caf\xC3\xA9 \xF0\x9F\x90\xA6\"\n", errors).ok());
}

TEST(DescribeJson, SurvivesInvalidUtf8FromJsonInput) {
  FieldErrors errors;
  decodeModelRelease(Json::object({{"apiVersion", "x\xF8"}}), errors);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].path, "apiVersion");
}

}  // namespace
}  // namespace aviary::api::testing

namespace aviary::api::testing {
namespace {

TEST(ParseDocuments, StrayFlowIndicatorsAreErrorsNotEndlessLoops) {
  // yaml-cpp 0.7's LoadAll never returns on these (jbeder/yaml-cpp#1040); found by the fuzzer.
  for (const char* text : {",", ", a", "a: 1\n---\n, }", ", a pausepa(model_ra*a]rison\n"}) {
    FieldErrors errors;
    EXPECT_FALSE(parseDocuments(text, errors).ok()) << text;
    ASSERT_EQ(errors.size(), 1u) << text;
    EXPECT_GT(errors[0].line, 0) << text;
  }
}

TEST(ParseDocuments, ExpandsAliasesAndKeepsAnchoredKeys) {
  const Json doc = parseOne("base: &b {x: 1, y: [2]}\ncopy: *b\n&k name: v\nother: {*k : w}\n");
  EXPECT_EQ(doc["copy"], doc["base"]);
  EXPECT_EQ(doc["other"]["name"], "w");
}

TEST(ParseDocuments, ADocumentThatIsOnlyNullIsSkipped) {
  FieldErrors errors;
  auto documents = parseDocuments("~\n---\na: 1\n", errors);
  ASSERT_TRUE(documents.ok());
  EXPECT_EQ(documents->size(), 1u);
}

}  // namespace
}  // namespace aviary::api::testing
