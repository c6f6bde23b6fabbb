#include "analysis/command/command_provider.h"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <future>

#include "analysis/json_number.h"
#include "aviary/common/duration.h"

namespace aviary::analysis {

namespace bp = boost::process;

namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

Result<MetricValue> CommandProvider::fetch(const api::Gate& gate, const QueryContext& context) {
  if (!gate.command || gate.command->command.empty()) {
    return makeError(ErrorCode::InvalidSpec, "gate " + gate.name + " has no command");
  }
  std::vector<std::string> argv;
  for (const auto& arg : gate.command->command) argv.push_back(renderTemplate(arg, context));
  const Duration timeout = durationOr(gate.command->timeout, Duration{10'000});
  try {
    boost::asio::io_context io;
    std::future<std::string> out;
    auto exe = argv[0].find('/') == std::string::npos ? bp::search_path(argv[0]) : boost::filesystem::path(argv[0]);
    if (exe.empty()) return makeError(ErrorCode::Unavailable, "command not found: " + argv[0]);
    bp::child child(exe, std::vector<std::string>(argv.begin() + 1, argv.end()), bp::std_out > out,
                    bp::std_err > bp::null, bp::std_in < bp::null, io);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    io.run_for(timeout);  // returns once the output is read (or at the timeout)
    const auto left = std::max(std::chrono::steady_clock::duration::zero(), deadline - std::chrono::steady_clock::now());
    if (!child.wait_for(left)) {
      child.terminate();
      return makeError(ErrorCode::Timeout, "command " + argv[0] + " did not finish within " + formatDuration(timeout));
    }
    const std::string output = trimmed(out.get());
    if (!output.empty()) {
      auto selected = selectMetric(output, "$");
      if (selected.ok()) return selected;
    }
    return MetricValue{Scalar{static_cast<double>(child.exit_code())}};
  } catch (const std::exception& e) {
    return makeError(ErrorCode::Unavailable, "command " + argv[0] + " failed to run: " + e.what());
  }
}

}  // namespace aviary::analysis
