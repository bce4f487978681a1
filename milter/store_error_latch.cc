#include "milter/store_error_latch.h"

#include <charconv>
#include <filesystem>

#include "core/strings.h"
#include "metrics/textfile.h"

namespace ar {

namespace {

// Store errors and queue ids come from outside (LMDB messages, the MTA):
// one line each, whatever they hold, so the file stays three lines.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

// "count=N" from a file a previous process wrote; 0 when absent or garbled.
uint64_t CountIn(std::string_view text) {
  for (const std::string& line : SplitTrimmed(text, '\n')) {
    std::string_view rest = line;
    if (rest.substr(0, 6) != "count=") continue;
    rest.remove_prefix(6);
    uint64_t count = 0;
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
    if (error == std::errc() && end == rest.data() + rest.size()) return count;
  }
  return 0;
}

}  // namespace

std::string FormatStoreErrorFile(std::string_view first_line, uint64_t count, TimePoint last) {
  return std::string(first_line) + "\ncount=" + std::to_string(count) +
         "\nlast=" + FormatIsoUtc(last) + "\n";
}

void StoreErrorLatch::Record(std::string_view queue_id, const Status& error) {
  if (path_.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  const TimePoint now = clock_.Now();
  // One stat per failure (never per healthy message): the operator clears
  // the latch by removing the file, and the next failure must start anew.
  std::error_code ec;
  const bool exists = std::filesystem::exists(path_, ec);
  if (!latched_) {
    Begin(queue_id, error, now, exists);
  } else if (on_disk_ && !exists) {
    Begin(queue_id, error, now, false);
  }
  ++count_;
  last_ = now;
  pending_ = true;
  // Begin() clears written_at_, so a new latch is written at once. A latch
  // that cannot reach the disk retries no more than once per interval
  // either: an unwritable directory must not cost every message a write.
  // A clock set back is no reason to wait.
  if (!written_at_ || now < *written_at_ || now - *written_at_ >= kRewriteInterval)
    WriteLocked(now);
}

void StoreErrorLatch::Flush() {
  if (path_.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (latched_ && pending_) WriteLocked(clock_.Now());
}

void StoreErrorLatch::Begin(std::string_view queue_id, const Status& error, TimePoint now,
                            bool continue_file) {
  latched_ = true;
  written_at_.reset();
  if (continue_file) {
    Result<std::string> text = ReadTextfile(path_, 64 * 1024);
    if (text.ok()) {
      const std::string& body = *text;
      first_line_ = OneLine(body.substr(0, body.find('\n')));
      count_ = CountIn(body);
      on_disk_ = true;
      return;
    }
  }
  first_line_ = "first=" + FormatIsoUtc(now) + " queue_id=" +
                OneLine(queue_id.empty() ? std::string_view("NOQUEUE") : queue_id) +
                " error=" + OneLine(error.ToString());
  count_ = 0;
  on_disk_ = false;
}

void StoreErrorLatch::WriteLocked(TimePoint now) {
  written_at_ = now;
  Status written = WriteTextfileAtomically(path_, FormatStoreErrorFile(first_line_, count_, last_));
  if (written.ok()) {
    on_disk_ = true;
    pending_ = false;
    return;
  }
  if (!warned_) {
    warned_ = true;
    logger_.Warning("cannot write store_error_file " + path_ + ": " + written.ToString() +
                    " (store failures are still logged and counted)");
  }
}

}  // namespace ar
