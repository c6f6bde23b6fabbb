#pragma once
// gmock ModelRegistry (MLflow's place in the reconciler).

#include <gmock/gmock.h>

#include "aviary/registry/model_registry.h"

namespace aviary::testing {

class MockModelRegistry : public registry::ModelRegistry {
 public:
  MOCK_METHOD(Result<registry::ModelVersionInfo>, getModelVersion, (const std::string& model, const std::string& version),
              (override));
  MOCK_METHOD(Status, setVersionTags,
              (const std::string& model, const std::string& version, (const std::map<std::string, std::string>& tags)),
              (override));
  MOCK_METHOD(Status, setAlias, (const std::string& model, const std::string& alias, const std::string& version),
              (override));
  MOCK_METHOD(Status, deleteAlias, (const std::string& model, const std::string& alias), (override));
};

}  // namespace aviary::testing
