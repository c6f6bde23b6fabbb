// No input crashes the decoder: random mutations of the examples (fixed seed, so failures reproduce),
// and every input the fuzzer ever found troublesome (testdata/fuzz-regressions/).

#include <filesystem>
#include <random>

#include "api_test_support.h"
#include "exercise_decoder.h"

namespace aviary::api::testing {
namespace {

std::vector<std::string> exampleTexts() {
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(sourceDir() + "/examples")) {
    if (entry.path().extension() == ".yaml") texts.push_back(readFile(entry.path()));
  }
  texts.push_back(kFullRelease);
  return texts;
}

// Text-level: what a careless edit does (characters YAML cares about, lines moved or cut).
std::string mutateText(std::string text, std::mt19937& rng) {
  static const std::string kInteresting = ":-[]{}#&*!|>'\"%@`,? \n\t0123456789.~";
  const int edits = 1 + rng() % 4;
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const size_t at = rng() % text.size();
    switch (rng() % 5) {
      case 0: text[at] = kInteresting[rng() % kInteresting.size()]; break;
      case 1: text.insert(at, 1, kInteresting[rng() % kInteresting.size()]); break;
      case 2: text.erase(at, 1 + rng() % 8); break;
      case 3: text.insert(at, text.substr(rng() % text.size(), rng() % 40)); break;
      default: text = text.substr(0, at); break;
    }
  }
  return text;
}

// Structure-level: valid YAML, wrong content, so the decoder and validator get deep.
nlohmann::json randomValue(std::mt19937& rng) {
  switch (rng() % 9) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<int64_t>(rng() % 300) - 100;
    case 3: return static_cast<double>(rng() % 2000) / 1000.0;
    case 4: return "x";
    case 5: return "";
    case 6: return nlohmann::json::array({"error-rate"});
    case 7: return nlohmann::json::object({{"max", 1}});
    default: return std::numeric_limits<int64_t>::max();
  }
}

void mutateJson(nlohmann::json& node, std::mt19937& rng, int depth = 0) {
  if (!node.is_structured() || node.empty() || rng() % 4 == 0 || depth > 12) {
    node = randomValue(rng);
    return;
  }
  auto it = node.begin();
  std::advance(it, rng() % node.size());
  if (node.is_object() && rng() % 6 == 0) {
    node.erase(it.key());
    return;
  }
  mutateJson(*it, rng, depth + 1);
}

TEST(Robustness, RandomTextMutationsOfTheExamplesNeverCrash) {
  const auto texts = exampleTexts();
  std::mt19937 rng(20240501);
  for (int i = 0; i < 1500; ++i) {
    exerciseDecoder(mutateText(texts[i % texts.size()], rng));
  }
}

TEST(Robustness, RandomStructuralMutationsNeverCrashAndAlwaysExplain) {
  std::vector<Document> originals;
  for (const auto& text : exampleTexts()) {
    FieldErrors errors;
    auto documents = parseDocuments(text, errors);
    ASSERT_TRUE(documents.ok());
    originals.push_back(documents->at(0));
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Document document = originals[i % originals.size()];
    for (int edits = 1 + rng() % 3; edits > 0; --edits) mutateJson(document.object, rng);
    exerciseDocument(document);
    if (i % 8 == 0) exerciseDecoder(document.object.dump());  // and as JSON text (parsing is the slow part)
  }
}

TEST(Robustness, FuzzerRegressionsNeverCrash) {
  const auto dir = std::filesystem::path(sourceDir()) / "tests/unit/api/testdata/fuzz-regressions";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    SCOPED_TRACE(entry.path().string());
    exerciseDecoder(readFile(entry.path()));
    ++count;
  }
  EXPECT_GT(count, 0);
}

}  // namespace
}  // namespace aviary::api::testing
