// Drift of the objects a release owns is repaired from the caches while nothing else happens (a
// settled release, an indefinite pause), and a release where nothing drifted costs no write.

#include "aviary/workload/names.h"
#include "unit/controller/reconciler_fixture.h"

namespace aviary::controller::testing {
namespace {

class DriftTest : public ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    server.seed(resources::kModelReleases, releaseObject("1"));
    settle();
    ASSERT_EQ(status().value("phase", ""), "Promoted") << status().dump();
  }

  // Version 2 paused indefinitely at 30%.
  void pausedCanary() {
    setVersion("2");
    settle();
    ASSERT_EQ(status().value("phase", ""), "Paused") << status().dump();
    ASSERT_EQ(routeWeight, 30);
  }

  Json service(const std::string& name) { return server.stored(resources::kServices, kNs, name); }
  Json deployment(const std::string& version) {
    return server.stored(resources::kDeployments, kNs, workload::deploymentName(kName, version));
  }

  // One pass repairs what was changed; the pass after it writes nothing and the status is as it was.
  void expectRepairedInOnePass() {
    const Json before = status();
    const int writes = server.writes;
    ASSERT_TRUE(reconcile().ok());
    EXPECT_GT(server.writes, writes) << "nothing repaired";
    const int repaired = server.writes;
    ASSERT_TRUE(reconcile().ok());
    EXPECT_EQ(server.writes, repaired) << "a second pass wrote again";
    EXPECT_EQ(status(), before);
  }
};

TEST_F(DriftTest, SettledReleaseWritesNothing) {
  const int writes = server.writes;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(server.writes, writes);
}

TEST_F(DriftTest, DeletedServicesAreRecreatedAfterPromotion) {
  for (const std::string name : {"fraud", "fraud-stable", "fraud-canary"}) {
    server.erase(resources::kServices, kNs, name);
    expectRepairedInOnePass();
    ASSERT_TRUE(server.has(resources::kServices, kNs, name)) << name;
  }
}

TEST_F(DriftTest, EditedServiceSelectorAndPortArePutBackAfterPromotion) {
  server.mutate(resources::kServices, kNs, "fraud-stable",
                [](Json& s) { s["spec"]["selector"][api::kVersionLabel] = "9"; });
  expectRepairedInOnePass();
  EXPECT_EQ(service("fraud-stable")["spec"]["selector"][api::kVersionLabel], "1");
  server.mutate(resources::kServices, kNs, "fraud", [](Json& s) { s["spec"]["ports"][0]["targetPort"] = 9999; });
  expectRepairedInOnePass();
  EXPECT_EQ(service("fraud")["spec"]["ports"][0]["targetPort"], 8080);
}

TEST_F(DriftTest, ServicesAreRepairedDuringAnIndefinitePause) {
  pausedCanary();
  server.erase(resources::kServices, kNs, "fraud-canary");
  expectRepairedInOnePass();
  EXPECT_EQ(service("fraud-canary")["spec"]["selector"][api::kVersionLabel], "2");
  server.mutate(resources::kServices, kNs, "fraud-canary",
                [](Json& s) { s["spec"]["selector"][api::kVersionLabel] = "1"; });
  expectRepairedInOnePass();
  EXPECT_EQ(service("fraud-canary")["spec"]["selector"][api::kVersionLabel], "2");
  EXPECT_EQ(status().value("phase", ""), "Paused");
  EXPECT_EQ(routeWeight, 30);
}

TEST_F(DriftTest, HandEditedDeploymentTemplateIsPutBack) {
  pausedCanary();
  for (const std::string version : {"1", "2"}) {
    server.mutate(resources::kDeployments, kNs, workload::deploymentName(kName, version),
                  [](Json& d) { d["spec"]["template"]["spec"]["containers"][0]["image"] = "scorer:evil"; });
    expectRepairedInOnePass();
    EXPECT_EQ(deployment(version)["spec"]["template"]["spec"]["containers"][0]["image"], "scorer:1") << version;
  }
}

TEST_F(DriftTest, DeletedAndScaledDeploymentsAreRestoredDuringAPause) {
  pausedCanary();
  const int canaryReplicas = deployment("2")["spec"]["replicas"];
  server.erase(resources::kDeployments, kNs, workload::deploymentName(kName, "2"));
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(deployment("2")["spec"]["replicas"], canaryReplicas);
  kubelet();
  server.mutate(resources::kDeployments, kNs, workload::deploymentName(kName, "1"), [](Json& d) { d["spec"]["replicas"] = 7; });
  expectRepairedInOnePass();
  EXPECT_EQ(deployment("1")["spec"]["replicas"], 2);
}

TEST_F(DriftTest, ServerDefaultsOnTheTemplateAreNotDrift) {
  for (const Json& d : server.objects(resources::kDeployments)) {
    server.mutate(resources::kDeployments, kNs, d["metadata"]["name"], [](Json& o) {
      Json& container = o["spec"]["template"]["spec"]["containers"][0];
      container["imagePullPolicy"] = "IfNotPresent";
      container["ports"][0]["protocol"] = "TCP";
      container["resources"]["limits"]["cpu"] = "500m";
      o["spec"]["template"]["spec"]["dnsPolicy"] = "ClusterFirst";
    });
  }
  const int writes = server.writes;
  ASSERT_TRUE(reconcile().ok());
  EXPECT_EQ(server.writes, writes);
}

}  // namespace
}  // namespace aviary::controller::testing
