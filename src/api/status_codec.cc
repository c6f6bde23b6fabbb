#include "api/fields.h"
#include "api/json_writer.h"
#include "aviary/api/decode.h"

namespace aviary::api {

nlohmann::json encodeStatus(const ModelReleaseStatus& status) { return detail::toJson(status); }

ModelReleaseStatus decodeStatus(const nlohmann::json& status) {
  // Lenient: written by aviary (maybe a newer one); read what fits, keep defaults otherwise.
  ModelReleaseStatus out;
  detail::readLeniently(status, "status", out);
  return out;
}

}  // namespace aviary::api
