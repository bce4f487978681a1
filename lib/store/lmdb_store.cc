#include "store/lmdb_store.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "store/keys.h"
#include "store/status_macros.h"

namespace ar {

namespace {

// The named databases (FORMAT.md): 14 today; max_databases leaves room for
// new ones (LMDB's cost per slot is small).
constexpr unsigned kMaxDatabases = 32;

// Stores of format version 1 predate the sequence databases; the first
// writable open creates them and records version 2 (queue and failed records
// of version 1 keep decoding, so nothing else is rewritten).
constexpr uint64_t kFormatVersionBeforeSequences = 1;

// The map size to open with: map_size, unless a test asked for a smaller
// start; then the data already written (the file never shrinks) or that
// start, whichever is larger, but never beyond the limit, and writes grow
// it from there (WriteBatcher).
uint64_t OpeningMapSize(const StoreOptions& options) {
  if (options.initial_map_size == 0) return options.map_size;
  uint64_t size = options.initial_map_size;
  std::error_code ec;
  const uint64_t file =
      std::filesystem::file_size(std::filesystem::path(options.path) / "data.mdb", ec);
  if (!ec) size = std::max(size, file);
  return std::min(size, options.map_size);
}

}  // namespace

Result<std::unique_ptr<LmdbStore>> LmdbStore::OpenLmdb(const StoreOptions& options) {
  LmdbEnvOptions env_options;
  env_options.path = options.path;
  env_options.map_size = OpeningMapSize(options);
  env_options.max_databases = kMaxDatabases;
  env_options.read_only = options.read_only;
  AR_ASSIGN_OR_RETURN(std::unique_ptr<LmdbEnv> env, LmdbEnv::Open(env_options));
  AR_ASSIGN_OR_RETURN(Databases dbs, OpenDatabases(*env));
  std::unique_ptr<LmdbStore> store(new LmdbStore(std::move(env), dbs, options.map_size,
                                                 options.faults, options.recipient_delimiter));
  LmdbStore* raw = store.get();
  store->batcher_->SetReserve(options.Reserve(),
                              [raw](LmdbTxn& txn) { return raw->BytesInUse(txn); });
  return store;
}

// Opens (creating when writable) every named database in one transaction and
// checks the format version. DBI handles are opened once here, before any
// other transaction, as LMDB requires when threads share them.
Result<LmdbStore::Databases> LmdbStore::OpenDatabases(LmdbEnv& env) {
  const bool create = !env.read_only();
  Result<LmdbTxn> begun = create ? LmdbTxn::BeginWrite(env) : LmdbTxn::BeginRead(env);
  if (!begun.ok()) return begun.status();
  LmdbTxn& txn = begun.value();

  Databases dbs;
  struct Named {
    const char* name;
    MDB_dbi* dbi;
  };
  auto open_all = [&txn, create](std::initializer_list<Named> names) -> Status {
    for (Named n : names) {
      Result<MDB_dbi> dbi = txn.OpenDatabase(n.name, create);
      if (!dbi.ok()) {
        if (dbi.status().IsNotFound()) {
          return Status::NotFound("store has no database '" + std::string(n.name) +
                                  "' (never opened for writing, or not since an upgrade?)");
        }
        return dbi.status();
      }
      *n.dbi = dbi.value();
    }
    return Status::Ok();
  };
  AR_RETURN_IF_ERROR(
      open_all({Named{"meta", &dbs.meta}, Named{"rules", &dbs.rules},
                Named{"addresses", &dbs.addresses}, Named{"responses", &dbs.responses},
                Named{"queue", &dbs.queue}, Named{"due", &dbs.due}, Named{"failed", &dbs.failed}}));

  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> version,
                      txn.Get(dbs.meta, kMetaFormatVersionKey));
  uint64_t found = 0;
  if (version) {
    AR_ASSIGN_OR_RETURN(found, DecodeMetaU64(*version));
    if (found != kFormatVersion && found != kFormatVersionBeforeSequences) {
      return Status::Corruption("store format version " + std::to_string(found) +
                                " is not supported (expected " + std::to_string(kFormatVersion) +
                                ")");
    }
  } else if (!create) {
    return Status::NotFound("store has no format version (never opened for writing?)");
  }
  AR_RETURN_IF_ERROR(
      open_all({Named{"seq_versions", &dbs.seq_versions}, Named{"enrolments", &dbs.enrolments},
                Named{"sent_ids", &dbs.sent_ids}, Named{"triggers_seen", &dbs.triggers_seen},
                Named{"tokens", &dbs.tokens}, Named{"suppressions", &dbs.suppressions},
                Named{"soft_bounces", &dbs.soft_bounces}}));
  // Optional in a read-only open: a store last written by an older binary
  // lacks them, and they read as empty.
  struct Optional {
    const char* name;
    MDB_dbi* dbi;
    bool* present;
  };
  for (Optional n : {Optional{"claims", &dbs.claims, &dbs.claims_present},
                     Optional{"person_sends", &dbs.person_sends, &dbs.person_sends_present},
                     Optional{"enrol_windows", &dbs.enrol_windows, &dbs.enrol_windows_present},
                     Optional{"held", &dbs.held, &dbs.held_present}}) {
    Result<MDB_dbi> dbi = txn.OpenDatabase(n.name, create);
    if (dbi.ok()) {
      *n.dbi = dbi.value();
      *n.present = true;
    } else if (create || !dbi.status().IsNotFound()) {
      return dbi.status();
    }
  }
  if (create && found != kFormatVersion) {
    AR_RETURN_IF_ERROR(txn.Put(dbs.meta, kMetaFormatVersionKey, EncodeMetaU64(kFormatVersion)));
  }
  AR_RETURN_IF_ERROR(txn.Commit());
  return dbs;
}

Status LmdbStore::CheckKey(std::string_view key, const char* what) const {
  if (key.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (key.size() > env_->max_key_size()) {
    return Status::InvalidArgument(std::string(what) + " is too long (" +
                                   std::to_string(key.size()) + " bytes)");
  }
  return Status::Ok();
}

Result<std::optional<ResponseRecord>> LmdbStore::ReadResponse(LmdbTxn& txn,
                                                              const std::string& key) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.responses, key));
  if (!bytes) return std::optional<ResponseRecord>();
  AR_ASSIGN_OR_RETURN(ResponseRecord record, DecodeResponse(*bytes));
  return std::optional<ResponseRecord>(record);
}

Result<std::optional<ResponseRecord>> LmdbStore::GetResponse(const std::string& user,
                                                             const std::string& dedupe_sender) {
  std::string key = EncodeResponseKey(user, dedupe_sender);
  if (key.size() > env_->max_key_size()) return std::optional<ResponseRecord>();
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  return ReadResponse(txn, key);
}

}  // namespace ar
