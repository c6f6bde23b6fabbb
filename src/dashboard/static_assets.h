#pragma once
// The dashboard's page and scripts, compiled into the binary from src/dashboard/assets/ by
// cmake/EmbedAssets.cmake: nothing is fetched at run time, and the UI always matches the server.

#include <string_view>

namespace aviary::dashboard {

struct StaticAsset {
  std::string_view path;  // "/index.html", "/app.js", ...
  std::string_view contentType;
  std::string_view body;
};

// nullptr for a path that is not an asset.
const StaticAsset* findAsset(std::string_view path);

}  // namespace aviary::dashboard
