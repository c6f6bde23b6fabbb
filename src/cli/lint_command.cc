// aviary lint FILE...: decode and validate manifests offline, printing `FILE:LINE:COL: path: message`
// for every problem, like a compiler, so editors can jump to it; advice on valid specs is printed as
// `FILE:LINE:COL: warning: path: message` and does not change the exit code.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <tuple>

#include "aviary/api/advice.h"
#include "aviary/api/decode.h"
#include "aviary/api/validate.h"
#include "cli/commands.h"

namespace aviary::cli {

namespace {

using api::FieldErrors;

struct Findings {
  FieldErrors errors;
  FieldErrors warnings;
};

// In file order, like a compiler; decode and validation findings would otherwise come in two runs.
void locateInOrder(const api::Document& document, FieldErrors& findings) {
  document.locate(findings);
  std::stable_sort(findings.begin(), findings.end(), [](const api::FieldError& a, const api::FieldError& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
}

Findings checkDocument(const api::Document& document) {
  const nlohmann::json& object = document.object;
  const auto kind = object.is_object() ? object.find("kind") : object.end();
  FieldErrors errors, warnings;
  if (!object.is_object()) {
    errors.push_back({"", "a document must be an object (a Kubernetes manifest)"});
  } else if (kind == object.end()) {
    errors.push_back({"kind", "required field is missing (want ModelRelease or ReleaseApproval)"});
  } else if (*kind == "ModelRelease") {
    api::ModelRelease release;
    errors = api::check(object, release);
    if (errors.empty()) warnings = api::advise(release);
  } else if (*kind == "ReleaseApproval") {
    api::ReleaseApproval approval;
    errors = api::check(object, approval);
  } else {
    errors.push_back({"kind", "unsupported kind " + kind->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + " (aviary lint checks ModelRelease and ReleaseApproval)"});
  }
  locateInOrder(document, errors);
  locateInOrder(document, warnings);
  return {errors, warnings};
}

void print(std::ostream& out, const std::string& file, const api::FieldError& error, const char* severity = "") {
  out << file << ":";
  if (error.line > 0) out << error.line << ":" << error.column << ":";
  out << " " << severity << (error.path.empty() ? "" : error.path + ": ") << error.message << "\n";
}

bool readInput(const std::string& file, std::string& text, std::ostream& err) {
  std::ostringstream buffer;
  if (file == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in || !(buffer << in.rdbuf())) {
      err << file << ": cannot read file\n";
      return false;
    }
  }
  text = buffer.str();
  return true;
}

// True when every document in the file is valid.
bool lintFile(const std::string& file, const Invocation& call) {
  std::string text;
  if (!readInput(file, text, call.err)) return false;
  FieldErrors errors;
  auto documents = api::parseDocuments(text, errors);
  if (!documents.ok()) {
    for (const auto& error : errors) print(call.out, file, error);
    return false;
  }
  if (documents->empty()) {
    call.out << file << ": no documents\n";
    return false;
  }
  bool valid = true;
  for (const auto& document : *documents) {
    const auto findings = checkDocument(document);
    for (const auto& error : findings.errors) {
      print(call.out, file, error);
      valid = false;
    }
    for (const auto& warning : findings.warnings) print(call.out, file, warning, "warning: ");
  }
  if (valid) call.out << file << ": ok (" << documents->size() << (documents->size() == 1 ? " document)\n" : " documents)\n");
  return valid;
}

}  // namespace

int lintCommand(const Invocation& call) {
  constexpr const char* kUsage = "usage: aviary lint FILE... (- reads standard input)\n";
  std::vector<std::string> files;
  bool flagsDone = false;
  for (const auto& arg : call.args) {
    if (!flagsDone && (arg == "-h" || arg == "--help")) {
      call.out << kUsage;
      return kExitOk;
    }
    if (!flagsDone && arg == "--") {
      flagsDone = true;
    } else if (!flagsDone && arg.size() > 1 && arg[0] == '-') {
      call.err << "aviary lint: unknown flag " << arg << "\n" << kUsage;
      return kExitUsage;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    call.err << "aviary lint: no files given\n" << kUsage;
    return kExitUsage;
  }
  bool allValid = true;
  for (const auto& file : files) allValid = lintFile(file, call) && allValid;
  return allValid ? kExitOk : kExitFailure;
}

}  // namespace aviary::cli
