#include "cli/report_view.h"

#include <cstdio>
#include <sstream>

namespace aviary::cli {

namespace {

using Json = nlohmann::json;

std::string text(const Json& j, const char* key, const std::string& fallback = "") {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

// "value=0.004 baseline=0.003 p=0.2" from a measurement.
std::string numbers(const Json& m) {
  std::string out;
  for (const auto& [key, label] : {std::pair{"value", "value"}, {"baseline", "baseline"}, {"pValue", "p"}, {"eValue", "e"}}) {
    if (m.contains(key)) out += std::string(out.empty() ? "" : " ") + label + "=" + number(m[key].get<double>());
  }
  return out;
}

std::string eventLine(const Json& e) {
  const std::string kind = text(e, "kind");
  std::string line = kind + " " + text(e, "action");
  if (kind == "approval") {
    line = "approval " + text(e, "decision") + " by " + text(e, "by");
    if (e.contains("comment")) line += " \"" + text(e, "comment") + "\"";
    line += " (" + text(e, "message") + ")";
  } else if (kind == "request") {
    line += e.contains("by") ? " by " + text(e, "by") : " (unverified: no requester named)";
  } else if (kind == "decision") {
    line = "decision " + text(e, "action") + (e.contains("message") ? ": " + text(e, "message") : "");
  } else if (kind == "phase" && e.contains("message")) {
    line += ": " + text(e, "message");
  }
  return line;
}

struct GateSummary {
  int readings = 0;
  std::map<std::string, int> verdicts;
  Json last;
};

std::map<std::string, GateSummary> summarize(const Json& record) {
  std::map<std::string, GateSummary> out;
  const Json measurements = record.value("measurements", Json::object());
  for (const auto& [gate, series] : measurements.items()) {
    auto& s = out[gate];
    for (const auto& m : series) {
      ++s.readings;
      ++s.verdicts[text(m, "verdict", "-")];
      s.last = m;
    }
  }
  return out;
}

std::string verdictCounts(const GateSummary& s) {
  std::string out;
  for (const auto& [verdict, count] : s.verdicts) out += (out.empty() ? "" : " ") + verdict + " " + std::to_string(count);
  return out;
}

std::string outcomeLine(const Json& record, const ReportSource& source) {
  const Json& d = record.value("decision", Json());
  if (d.is_null()) return "none yet (the rollout is running)";
  std::string line = text(d, "outcome") + " (run " + (source.runStatus.empty() ? text(d, "runStatus") : source.runStatus) + ")";
  if (!text(d, "reason").empty()) line += ": " + text(d, "reason");
  return line;
}

std::string failingGateLine(const Json& record) {
  const Json d = record.value("decision", Json());
  if (d.is_null() || !d.contains("failingGate") || d["failingGate"].is_null()) return "";
  const Json& f = d["failingGate"];
  return text(f, "gate") + " at " + text(f, "time") + " step " + text(f, "step") + ": " + numbers(f) +
         (f.contains("detail") ? " (" + text(f, "detail") + ")" : "");
}

std::string completeness(const ReportSource& source) {
  return source.complete ? "complete" : "INCOMPLETE: " + source.incompleteReason;
}

std::string renderText(const Json& r, const ReportSource& source) {
  std::ostringstream out;
  const Json model = r.value("model", Json::object());
  const Json release = r.value("release", Json::object());
  out << "Decision record   " << text(release, "namespace") << "/" << text(release, "name") << " rollout "
      << text(r, "rollout") << " (" << text(r, "schema") << ")\n";
  out << "Model             " << text(model, "name") << " version " << text(model, "version") << ", baseline "
      << text(model, "baselineVersion", "none") << ", strategy " << text(r, "strategy") << "\n";
  out << "Started           " << text(r, "startedAt") << "\n";
  out << "Ended             " << text(r, "endedAt", "-") << "\n";
  out << "Outcome           " << outcomeLine(r, source) << "\n";
  if (auto failing = failingGateLine(r); !failing.empty()) out << "Failing gate      " << failing << "\n";
  out << "Run               " << (source.runUrl.empty() ? "-" : source.runUrl) << "\n";
  out << "Source            " << source.origin << "\n";
  out << "Record            " << completeness(source) << "\n";
  out << "\nTimeline\n";
  for (const auto& e : r.value("timeline", Json::array())) {
    out << "  " << text(e, "time") << "  step " << text(e, "step") << "  " << eventLine(e) << "\n";
  }
  out << "\nGates\n";
  const Json gates = r.value("gates", Json::array());
  for (const auto& [gate, s] : summarize(r)) {
    std::string judge;
    for (const auto& g : gates) {
      if (text(g, "name") == gate) judge = text(g, "judge");
    }
    out << "  " << gate << ": " << s.readings << " readings (" << verdictCounts(s) << "), last " << numbers(s.last)
        << (judge.empty() ? "" : ", judge " + judge) << "\n";
  }
  out << "\nMeasurements\n";
  const Json measurements = r.value("measurements", Json::object());
  for (const auto& [gate, series] : measurements.items()) {
    for (const auto& m : series) {
      out << "  " << text(m, "time") << "  step " << text(m, "step") << "  " << gate << "  " << text(m, "verdict", "-")
          << "  " << numbers(m) << "\n";
    }
  }
  if (r.value("measurementsOmitted", 0) > 0) out << "  (" << r["measurementsOmitted"].get<int>() << " more in the MLflow run)\n";
  return out.str();
}

std::string cell(std::string s) {
  for (size_t at = s.find('|'); at != std::string::npos; at = s.find('|', at + 2)) s.replace(at, 1, "\\|");
  return s;
}

std::string renderMarkdown(const Json& r, const ReportSource& source) {
  std::ostringstream out;
  const Json model = r.value("model", Json::object());
  const Json release = r.value("release", Json::object());
  out << "### Decision record: " << text(release, "namespace") << "/" << text(release, "name") << ", rollout "
      << text(r, "rollout") << "\n\n";
  out << "| | |\n|---|---|\n";
  out << "| Model | " << cell(text(model, "name")) << " version " << text(model, "version") << " (baseline "
      << text(model, "baselineVersion", "none") << ") |\n";
  out << "| Strategy | " << text(r, "strategy") << " |\n";
  out << "| Started | " << text(r, "startedAt") << " |\n";
  out << "| Ended | " << text(r, "endedAt", "-") << " |\n";
  out << "| Outcome | " << cell(outcomeLine(r, source)) << " |\n";
  if (auto failing = failingGateLine(r); !failing.empty()) out << "| Failing gate | " << cell(failing) << " |\n";
  out << "| MLflow run | " << (source.runUrl.empty() ? "-" : "[" + source.runUrl + "](" + source.runUrl + ")") << " |\n";
  out << "| Record | " << cell(completeness(source)) << " (from " << source.origin << ", schema `" << text(r, "schema") << "`) |\n";
  out << "\n#### Timeline\n\n| Time | Step | Event |\n|---|---|---|\n";
  for (const auto& e : r.value("timeline", Json::array())) {
    out << "| " << text(e, "time") << " | " << text(e, "step") << " | " << cell(eventLine(e)) << " |\n";
  }
  out << "\n#### Gates\n\n| Gate | Readings | Verdicts | Last |\n|---|---|---|---|\n";
  for (const auto& [gate, s] : summarize(r)) {
    out << "| " << cell(gate) << " | " << s.readings << " | " << verdictCounts(s) << " | " << numbers(s.last) << " |\n";
  }
  return out.str();
}

}  // namespace

std::string renderReport(const Json& record, const ReportSource& source, ReportFormat format) {
  switch (format) {
    case ReportFormat::Json: {
      Json out{{"record", record},
               {"source", {{"origin", source.origin}, {"runUrl", source.runUrl}, {"runStatus", source.runStatus},
                           {"complete", source.complete}, {"incompleteReason", source.incompleteReason}}}};
      return out.dump(2) + "\n";
    }
    case ReportFormat::Markdown: return renderMarkdown(record, source);
    case ReportFormat::Text: break;
  }
  return renderText(record, source);
}

}  // namespace aviary::cli
