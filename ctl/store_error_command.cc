#include "ctl/store_error_command.h"

#include <filesystem>
#include <ostream>

#include "core/strings.h"
#include "ctl/output_format.h"
#include "metrics/textfile.h"

namespace ar {

Result<std::optional<std::string>> ReadLatchedStoreError(const Config& config) {
  if (config.store_error_file.empty()) return std::optional<std::string>();
  // The milter writes three short lines; anything longer is cut, not read whole.
  Result<std::string> text = ReadTextfile(config.store_error_file, 64 * 1024);
  if (!text.ok() && text.status().IsNotFound()) return std::optional<std::string>();
  if (!text.ok()) return text.status();
  return std::optional<std::string>(*text);
}

std::string FormatStoreErrorBanner(const std::string& latched) {
  std::string out;
  for (const std::string& line : SplitTrimmed(latched, '\n')) {
    if (line.empty()) continue;
    out += (out.empty() ? "STORE ERROR LATCHED: " : "  ") + PrintableLine(line) + "\n";
  }
  if (out.empty()) out = "STORE ERROR LATCHED: (empty file)\n";
  return out;
}

int RunStoreErrorCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      ctx.out << UsageText();
      return kExitOk;
    }
  }
  const bool clear = !args.empty() && args[0] == "clear";
  if (args.size() > (clear ? 1u : 0u))
    return UsageError(ctx, "store-error takes no arguments but 'clear'");
  const std::string& path = ctx.config.store_error_file;
  if (path.empty()) {
    ctx.out << "store_error_file is not set: no store error is latched\n";
    return kExitOk;
  }
  auto latched = ReadLatchedStoreError(ctx.config);
  if (!latched.ok()) return Failure(ctx, latched.status().ToString());
  if (!clear) {
    if (!*latched) {
      ctx.out << "no store error latched\n";
      return kExitOk;
    }
    ctx.out << FormatStoreErrorBanner(**latched);
    return kExitFailure;
  }
  if (!*latched) {
    ctx.out << "no store error latched\n";
    return kExitOk;
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return Failure(ctx, "cannot remove " + PrintableLine(path) + ": " + ec.message());
  ctx.out << "store error cleared: " << PrintableLine(path) << " removed\n";
  return kExitOk;
}

}  // namespace ar
