#include "api/fields.h"
#include "aviary/api/decode.h"

namespace aviary::api {

ReleaseApproval decodeReleaseApproval(const nlohmann::json& object, FieldErrors& errors) {
  return detail::readManifest<ReleaseApproval>(object, "ReleaseApproval", errors);
}

}  // namespace aviary::api
