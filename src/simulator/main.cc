// aviary-simulator: plays the data plane and the model servers for tests. Every interval it reads the
// routing state from the cluster and generates the requests of the elapsed time; Prometheus scrapes
// the resulting series from /metrics. See include/aviary/simulator/ and docs/development.md.
//
//   aviary-simulator [--kubeconfig=PATH] [--listen=127.0.0.1:8080] [--rate=50] [--interval=1] [--seed=1]

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "aviary/k8s/client.h"
#include "aviary/runtime/log.h"
#include "aviary/runtime/signals.h"
#include "aviary/server/http_server.h"
#include "aviary/simulator/http_api.h"
#include "aviary/simulator/routing_state.h"
#include "aviary/simulator/simulation.h"

namespace {

using namespace aviary;

struct Options {
  std::string kubeconfig;
  std::string listen = "127.0.0.1:8080";
  double rate = 50;       // requests per second per release
  double interval = 1;    // seconds between routing reads and traffic ticks
  std::uint64_t seed = 1;
  simulator::TaggedTraffic tagged;  // --header=NAME:VALUE --header-share=0..1
  double agreementTolerance = 0.05;
};

const char* kUsage =
    "usage: aviary-simulator [--kubeconfig=PATH] [--listen=HOST:PORT] [--rate=REQ_PER_S] [--interval=S] [--seed=N]\n"
    "                        [--header=NAME:VALUE] [--header-share=0..1] [--agreement-tolerance=X]\n";

// --name=value flags; false (with a message) on anything else.
bool parseOptions(int argc, char** argv, Options& options) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::cerr << "unexpected argument '" << arg << "'\n" << kUsage;
      return false;
    }
    flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  try {
    for (const auto& [name, value] : flags) {
      if (name == "kubeconfig") options.kubeconfig = value;
      else if (name == "listen") options.listen = value;
      else if (name == "rate") options.rate = std::stod(value);
      else if (name == "interval") options.interval = std::stod(value);
      else if (name == "seed") options.seed = std::stoull(value);
      else if (name == "header-share") options.tagged.share = std::stod(value);
      else if (name == "agreement-tolerance") options.agreementTolerance = std::stod(value);
      else if (name == "header" && value.find(':') != std::string::npos && value.find(':') > 0) {
        options.tagged.header = value.substr(0, value.find(':'));
        for (char& c : options.tagged.header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        options.tagged.value = value.substr(value.find(':') + 1);
      }
      else {
        std::cerr << "unknown flag --" << name << "\n" << kUsage;
        return false;
      }
    }
  } catch (const std::exception&) {
    std::cerr << "a numeric flag has a value that is not a number\n" << kUsage;
    return false;
  }
  if (options.rate < 0 || options.interval <= 0 || options.tagged.share < 0 || options.tagged.share > 1 ||
      options.agreementTolerance < 0) {
    std::cerr << "--rate must be >= 0, --interval > 0, --header-share in 0..1, --agreement-tolerance >= 0\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parseOptions(argc, argv, options)) return 2;
  runtime::ShutdownSignals signals;  // before any thread starts
  SystemClock clock;
  runtime::Logger logger(std::cerr, clock);

  k8s::ClientOptions clientOptions;
  clientOptions.kubeconfigPath = options.kubeconfig;
  clientOptions.userAgent = "aviary-simulator";
  auto client = k8s::makeClient(clientOptions);
  if (!client) {
    logger.error("cannot build the Kubernetes client", {{"error", client.error().describe()}});
    return 1;
  }

  telemetry::MetricsRegistry registry;
  simulator::BehaviourStore behaviours;
  behaviours.setDefaultTagged(options.tagged);
  simulator::TrafficGenerator generator(options.rate, options.seed, options.agreementTolerance);
  simulator::TrafficMetrics metrics(registry);
  simulator::Simulation simulation(generator, metrics, behaviours);
  simulator::SimulatorApi api(behaviours, simulation);
  server::HttpServer server;
  api.install(server, registry);
  if (Status started = server.start(options.listen); !started) {
    logger.error("cannot serve HTTP", {{"listen", options.listen}, {"error", started.error().describe()}});
    return 1;
  }
  logger.info("simulator serving", {{"listen", options.listen}, {"rate", options.rate}, {"seed", options.seed}});

  simulator::RoutingReader reader(**client);
  const auto interval = std::chrono::duration<double>(options.interval);
  auto last = std::chrono::steady_clock::now();
  std::string lastError;
  do {
    simulation.updateRouting(reader.read());
    if (std::string error = simulation.lastError(); error != lastError) {
      if (error.empty()) logger.info("reading the routing state again");
      else logger.warn("cannot read the routing state; traffic follows the last one", {{"error", error}});
      lastError = error;
    }
    auto now = std::chrono::steady_clock::now();
    // After a stall (a slow API server, a stopped process) catch up at most a few intervals, not a burst.
    double elapsed = std::min(std::chrono::duration<double>(now - last).count(), 5 * options.interval);
    last = now;
    simulation.tick(elapsed);
  } while (!signals.waitFor(std::chrono::duration_cast<Duration>(interval)));

  logger.info("simulator stopping", {{"signal", signals.signalNumber()}});
  server.stop();
  return 0;
}
