// aviary dashboard [--port 3100] [-n NS] [--kubeconfig PATH] [--context NAME]: the release dashboard
// (docs/dashboard.md) on 127.0.0.1, as the kubeconfig's user. The same page, JSON and release API the
// operator serves, put together with local_session.h's pieces: a session token printed in the URL
// logs the browser in; reviews, reads and writes are the kubeconfig user's own. Opens nothing itself.

#include <ostream>

#include "aviary/dashboard/dashboard.h"
#include "aviary/dashboard/local_session.h"
#include "aviary/dashboard/release_feed.h"
#include "aviary/k8s/kube_client.h"
#include "aviary/runtime/informer.h"
#include "aviary/runtime/signals.h"
#include "aviary/server/release_api.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/release_client.h"

namespace aviary::cli {

namespace {

std::string usage(const std::string& program) {
  return "usage: " + program + " dashboard [--port 3100] [-n NS] [--kubeconfig PATH] [--context NAME]\n"
    "  Serves the release dashboard on http://127.0.0.1:PORT/ as your kubeconfig's user and prints the\n"
    "  URL to open (it carries this run's session token). Without -n: the releases of every namespace\n"
    "  you may list (your context's namespace when you may not list across namespaces).\n";
}

const FlagSpec kFlags[] = {{"--port", "", true},       {"--namespace", "-n", true}, {"--kubeconfig", "", true},
                           {"--context", "", true},    {"--help", "-h", false}};

int usageError(const Invocation& call, const std::string& message) {
  call.err << call.program << " dashboard: " << message << "\n" << usage(call.program);
  return kExitUsage;
}

// "" (every namespace) when the user may list releases across namespaces, else their namespace.
std::string namespaceToWatch(k8s::Client& client, const std::string& flag, const std::string& contextNamespace) {
  if (!flag.empty()) return flag;
  k8s::ListOptions probe;
  probe.limit = 1;
  auto everywhere = client.list(k8s::resources::kModelReleases, "", probe);
  return everywhere ? "" : contextNamespace;
}

}  // namespace

int dashboardCommand(const Invocation& call) {
  runtime::ShutdownSignals signals;  // first: every thread started later inherits the blocked signals
  auto line = parseCommandLine(call.args, kFlags);
  if (!line) return usageError(call, line.error().message);
  if (line->on("--help")) {
    call.out << usage(call.program);
    return kExitOk;
  }
  if (!line->positionals.empty()) return usageError(call, "unexpected argument " + line->positionals.front());
  const std::string portText = line->value("--port", "3100");
  char* end = nullptr;
  const long port = std::strtol(portText.c_str(), &end, 10);
  if (portText.empty() || *end != '\0' || port < 0 || port > 65535) return usageError(call, "--port: want 0..65535");

  auto connected = ReleaseClient::connect({line->value("--kubeconfig"), line->value("--context"), ""});
  if (!connected) {
    call.err << call.program << " dashboard: " << connected.error().message << "\n";
    return kExitFailure;
  }
  ReleaseClient& releases = **connected;
  k8s::Client& client = releases.client();
  auto who = releases.whoAmI();
  if (!who) {
    call.err << call.program << " dashboard: " << who.error().message << "\n";
    return kExitFailure;
  }
  const std::string namespace_ = namespaceToWatch(client, line->value("--namespace"), releases.namespace_());

  SystemClock clock;
  runtime::Logger logger(call.err, clock, runtime::LogLevel::Warn);
  dashboard::ReleaseFeed feed(clock);
  runtime::InformerOptions informerOptions;
  informerOptions.namespace_ = namespace_;
  runtime::Informer informer(client, k8s::resources::kModelReleases, informerOptions, logger);
  informer.addHandler(feed.handler());
  if (Status listed = informer.listOnce(); !listed) {
    call.err << call.program << " dashboard: cannot list modelreleases"
             << (namespace_.empty() ? "" : " in namespace " + namespace_) << ": " << listed.error().message << "\n";
    return kExitFailure;
  }
  informer.start();

  const std::string session = dashboard::randomSessionToken();
  auto tokens = dashboard::makeSessionTokenReviewer(session, *who);
  auto access = dashboard::makeSelfAccessReviewer(client);
  auto store = dashboard::makeKubeconfigReleaseStore(client);
  server::ReleaseApi api(*tokens, *access, *store, logger, server::randomRequestIds(), namespace_);
  dashboard::Dashboard page(*tokens, *access, feed, clock, logger);
  server::HttpServerOptions options;
  options.threads = 8;
  server::HttpServer server(options);
  api.install(server);
  page.install(server);
  if (Status started = server.start("127.0.0.1:" + std::to_string(port)); !started) {
    call.err << call.program << " dashboard: cannot listen on 127.0.0.1:" << port << ": " << started.error().message << "\n";
    informer.stop();
    return kExitFailure;
  }
  call.out << "aviary dashboard: releases in " << (namespace_.empty() ? "all namespaces" : "namespace " + namespace_)
           << ", as " << who->username << "\n"
           << "Open http://127.0.0.1:" << server.port() << "/#token=" << session << "\n"
           << "(Ctrl-C stops it)\n"
           << std::flush;
  signals.wait();
  feed.close();
  server.stop();
  informer.stop();
  return kExitOk;
}

}  // namespace aviary::cli
