#pragma once
// Small local-file helpers for config loading: reading certificates, tokens and kubeconfigs with
// errors that name the file and what it was for, and base64 for kubeconfig's "-data" fields.

#include <string>

#include "aviary/common/result.h"

namespace aviary::k8s {

// The whole file. NotFound when it does not exist, InvalidSpec when it cannot be read; the message
// says `what` it is ("client certificate") and the path.
Result<std::string> readLocalFile(const std::string& path, const std::string& what);

// Standard base64 (padding optional, whitespace ignored). InvalidSpec on any other character.
Result<std::string> decodeBase64(const std::string& text);

}  // namespace aviary::k8s
