#include "api/fields.h"
#include "api/json_writer.h"
#include "aviary/api/decode.h"

namespace aviary::api {

ModelRelease decodeModelRelease(const nlohmann::json& object, FieldErrors& errors) {
  return detail::readManifest<ModelRelease>(object, "ModelRelease", errors);
}

ObjectMeta decodeObjectMeta(const nlohmann::json& metadata) {
  ObjectMeta meta;
  detail::readLeniently(metadata, "metadata", meta);
  return meta;
}

nlohmann::json encodeSpec(const ModelReleaseSpec& spec) { return detail::toJson(spec); }

}  // namespace aviary::api
