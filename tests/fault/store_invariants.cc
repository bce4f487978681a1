#include "tests/fault/store_invariants.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "message/address.h"
#include "store/keys.h"
#include "store/lmdb_env.h"
#include "store/record_codec.h"
#include "store/sequence_keys.h"
#include "store/sequence_record_codec.h"
#include "store/status_macros.h"

namespace ar {
namespace {

// The databases of format version 2 (FORMAT.md, "Databases").
constexpr const char* kDatabases[] = {
    "meta",          "rules",  "addresses",    "responses",    "queue",
    "due",           "failed", "seq_versions", "enrolments",   "sent_ids",
    "triggers_seen", "tokens", "suppressions", "soft_bounces", "enrol_windows"};

struct Entry {
  std::string key;
  std::string value;
};

// Every entry of one database, copied out of the map.
Result<std::vector<Entry>> ReadAll(const LmdbTxn& txn, MDB_dbi dbi) {
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbi));
  std::vector<Entry> entries;
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
  while (entry) {
    entries.push_back(Entry{std::string(entry->key), std::string(entry->value)});
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return entries;
}

std::string Printable(std::string_view key) {
  std::string out;
  for (char c : key) out += (c == '\0') ? std::string("\\0") : std::string(1, c);
  return out;
}

// The checks proper, over the databases read into memory.
class InvariantChecker {
 public:
  explicit InvariantChecker(std::map<std::string, std::vector<Entry>> dbs) : dbs_(std::move(dbs)) {}

  StoreInvariantReport Run() {
    DecodeQueue();
    CheckDueIndex();
    CheckFailed();
    CheckMeta();
    CheckResponses();
    CheckEnrolments();
    CheckOtherRecords();
    return std::move(report_);
  }

 private:
  void Violation(std::string text) { report_.violations.push_back(std::move(text)); }

  void DecodeQueue() {
    for (const Entry& e : dbs_["queue"]) {
      std::optional<uint64_t> id = DecodeU64Key(e.key);
      Result<QueueItem> item = DecodeQueueItem(e.value);
      if (!id || !item.ok()) {
        Violation("queue record " + Printable(e.key) + " does not decode: " +
                  (item.ok() ? std::string("bad key") : item.status().ToString()));
        continue;
      }
      if (item->id != *id) {
        Violation("queue item under key " + std::to_string(*id) + " says id " +
                  std::to_string(item->id));
      }
      ++report_.queued;
      if (item->kind == QueueItemKind::kSequenceStep) ++report_.queued_steps;
      queue_.emplace(*id, std::move(item).value());
    }
  }

  void CheckDueIndex() {
    std::map<uint64_t, int> due_entries;
    for (const Entry& e : dbs_["due"]) {
      std::optional<DueKey> key = DecodeDueKey(e.key);
      if (!key) {
        Violation("due key of " + std::to_string(e.key.size()) + " bytes does not decode");
        continue;
      }
      if (!e.value.empty())
        Violation("due entry for id " + std::to_string(key->id) + " has a value");
      ++due_entries[key->id];
      auto item = queue_.find(key->id);
      if (item == queue_.end()) {
        Violation("due entry names missing queue item " + std::to_string(key->id));
      } else if (item->second.due != key->due) {
        Violation("due entry of item " + std::to_string(key->id) + " is at " +
                  std::to_string(ToUnixSeconds(key->due)) + ", the item says " +
                  std::to_string(ToUnixSeconds(item->second.due)));
      }
    }
    for (const auto& [id, item] : queue_) {
      const int count = due_entries.count(id) ? due_entries[id] : 0;
      if (count != 1) {
        Violation("queue item " + std::to_string(id) + " has " + std::to_string(count) +
                  " due entries");
      }
    }
  }

  void CheckFailed() {
    for (const Entry& e : dbs_["failed"]) {
      std::optional<uint64_t> id = DecodeU64Key(e.key);
      Result<FailedRecord> record = DecodeFailed(e.value);
      if (!id || !record.ok()) {
        Violation("failed record " + Printable(e.key) + " does not decode");
        continue;
      }
      ++report_.failed;
      if (queue_.count(*id)) Violation("id " + std::to_string(*id) + " is both queued and failed");
      failed_.emplace(*id, std::move(record->item));
    }
  }

  void CheckMeta() {
    uint64_t next_id = 1;
    for (const Entry& e : dbs_["meta"]) {
      Result<uint64_t> value = DecodeMetaU64(e.value);
      if (!value.ok()) {
        Violation("meta " + e.key + " does not decode");
        continue;
      }
      if (e.key == kMetaNextQueueIdKey) next_id = *value;
    }
    auto check = [&](uint64_t id) {
      if (id >= next_id) {
        Violation("id " + std::to_string(id) + " is not below next_queue_id " +
                  std::to_string(next_id));
      }
    };
    for (const auto& [id, item] : queue_) check(id);
    for (const auto& [id, item] : failed_) check(id);
  }

  void CheckResponses() {
    for (const Entry& e : dbs_["responses"]) {
      Result<ResponseRecord> record = DecodeResponse(e.value);
      if (!record.ok()) {
        Violation("response " + Printable(e.key) + " does not decode");
        continue;
      }
      if (record->state != ResponseState::kPending) continue;
      ++report_.pending_responses;
      bool found = false;
      for (const auto& [id, item] : queue_) {
        if (item.kind == QueueItemKind::kReply &&
            EncodeResponseKey(item.user, item.dedupe_sender) == e.key &&
            item.generation == record->generation) {
          found = true;
          break;
        }
      }
      if (!found) Violation("pending response " + Printable(e.key) + " has no queued reply");
    }
  }

  void CheckEnrolments() {
    std::map<uint64_t, std::string> named_steps;  // queue id -> enrolment key
    for (const Entry& e : dbs_["enrolments"]) {
      Result<StoredEnrolment> stored = DecodeEnrolment(e.value);
      if (!stored.ok()) {
        Violation("enrolment " + Printable(e.key) + " does not decode");
        continue;
      }
      const Enrolment& enrolment = stored->enrolment;
      if (EncodeEnrolmentKey(enrolment.person, enrolment.sequence) != e.key)
        Violation("enrolment under " + Printable(e.key) + " names another person or sequence");
      for (const SentStep& sent : enrolment.history)
        if (!sent.message_id.empty()) report_.sent_step_message_ids.push_back(sent.message_id);
      const uint64_t step_id = stored->queued_step_id;
      if (step_id != 0) named_steps[step_id] = e.key;
      if (enrolment.state != EnrolmentState::kActive) continue;
      ++report_.active_enrolments;
      const std::string who = enrolment.person + " in " + enrolment.sequence;
      if (step_id == 0) {
        Violation("active enrolment " + who + " has no queued step");
        continue;
      }
      auto item = queue_.find(step_id);
      if (item == queue_.end()) {
        if (failed_.count(step_id)) {
          ++report_.stalled_enrolments;
        } else {
          Violation("active enrolment " + who + " names missing step item " +
                    std::to_string(step_id));
        }
        continue;
      }
      const QueueItem& step = item->second;
      if (step.kind != QueueItemKind::kSequenceStep || step.user != enrolment.person ||
          step.sequence != enrolment.sequence || step.step != enrolment.next_step) {
        Violation("step item " + std::to_string(step_id) + " does not point back to " + who);
      }
      if (!enrolment.next_due) Violation("active enrolment " + who + " has no next_due");
    }
    for (const auto& [id, item] : queue_) {
      if (item.kind != QueueItemKind::kSequenceStep) continue;
      auto named = named_steps.find(id);
      if (named == named_steps.end() ||
          named->second != EncodeEnrolmentKey(item.user, item.sequence)) {
        Violation("queued step " + std::to_string(id) + " of " + item.user + " in " +
                  item.sequence + " is not its enrolment's queued step");
      }
    }
  }

  void CheckOtherRecords() {
    auto each = [&](const char* db, const std::function<bool(const std::string&)>& decodes) {
      for (const Entry& e : dbs_[db])
        if (!decodes(e.value))
          Violation(std::string(db) + " record " + Printable(e.key) + " does not decode");
    };
    each("rules", [](const std::string& v) { return DecodeRule(v).ok(); });
    each("seq_versions", [](const std::string& v) { return DecodeSequenceSource(v).ok(); });
    each("sent_ids", [](const std::string& v) { return DecodeSentMessageRef(v).ok(); });
    each("triggers_seen", [](const std::string& v) { return DecodeTriggerSeen(v).ok(); });
    each("suppressions", [](const std::string& v) { return DecodeSuppression(v).ok(); });
    each("soft_bounces", [](const std::string& v) { return DecodeSoftBounceCount(v).ok(); });
    each("enrol_windows", [](const std::string& v) { return DecodeEnrolWindow(v).ok(); });
    // addresses and tokens hold raw normalised addresses.
    std::set<std::string> rules;
    for (const Entry& e : dbs_["rules"]) rules.insert(e.key);
    for (const Entry& e : dbs_["addresses"])
      if (!rules.count(e.value)) Violation("address " + e.key + " names missing rule " + e.value);
  }

  std::map<std::string, std::vector<Entry>> dbs_;
  std::map<uint64_t, QueueItem> queue_;
  std::map<uint64_t, QueueItem> failed_;
  StoreInvariantReport report_;
};

}  // namespace

std::string StoreInvariantReport::Summary() const {
  std::string out;
  for (const std::string& v : violations) out += v + "\n";
  return out;
}

Result<StoreInvariantReport> CheckStoreInvariants(const std::string& path) {
  LmdbEnvOptions options;
  options.path = path;
  options.map_size = 0;  // read-only: LMDB takes the size from the file
  options.max_databases = 32;
  options.read_only = true;
  AR_ASSIGN_OR_RETURN(std::unique_ptr<LmdbEnv> env, LmdbEnv::Open(options));
  std::map<std::string, std::vector<Entry>> dbs;
  {
    AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env));
    for (const char* name : kDatabases) {
      AR_ASSIGN_OR_RETURN(MDB_dbi dbi, txn.OpenDatabase(name, /*create=*/false));
      AR_ASSIGN_OR_RETURN(dbs[name], ReadAll(txn, dbi));
    }
  }
  return InvariantChecker(std::move(dbs)).Run();
}

}  // namespace ar
