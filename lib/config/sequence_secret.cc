#include "config/sequence_secret.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace ar {

namespace {

// A key file is a few dozen bytes; anything much larger is a mistake.
constexpr size_t kMaxSecretKeyBytes = 4096;

}  // namespace

Status LoadSequenceSecret(Config* config) {
  SequenceOptions& options = config->sequences;
  options.secret_key.clear();
  std::error_code ec;
  if (options.directory.empty() || !std::filesystem::is_directory(options.directory, ec))
    return Status::Ok();
  const std::string& path = options.secret_key_file;
  if (path.empty())
    return Status::InvalidArgument("secret_key_file: sequence_dir " + options.directory +
                                   " is set but secret_key_file is empty");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::InvalidArgument("secret_key_file " + path +
                                   ": cannot read: " + std::strerror(errno));
  std::string key(kMaxSecretKeyBytes + 1, '\0');
  in.read(key.data(), static_cast<std::streamsize>(key.size()));
  if (in.bad()) return Status::InvalidArgument("secret_key_file " + path + ": read error");
  key.resize(static_cast<size_t>(in.gcount()));
  if (key.size() > kMaxSecretKeyBytes)
    return Status::InvalidArgument("secret_key_file " + path + ": longer than 4096 bytes");
  if (!key.empty() && key.back() == '\n') key.pop_back();
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (key.size() < kMinSecretKeyBytes)
    return Status::InvalidArgument("secret_key_file " + path + ": shorter than " +
                                   std::to_string(kMinSecretKeyBytes) + " bytes");
  options.secret_key = std::move(key);
  return Status::Ok();
}

}  // namespace ar
