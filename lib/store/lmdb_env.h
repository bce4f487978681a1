// RAII wrappers over the LMDB C API that report errors as Status values.
//
//   LmdbEnv     - one open environment (a directory holding data.mdb and
//                 lock.mdb). Opened with MDB_NOTLS so read transactions are
//                 not tied to a thread: milter worker threads share one env.
//   LmdbTxn     - one transaction; aborted by the destructor unless committed.
//   LmdbCursor  - one cursor inside a transaction; closed by the destructor.
//
// Ownership: LmdbEnv owns the MDB_env and closes it on destruction; every
// LmdbTxn must end before its env. DBI handles are plain integers opened once
// at startup (OpenDatabase) and valid for the env's lifetime.
// Thread-safety: LmdbEnv may be shared by threads. A write LmdbTxn must begin
// and end on one thread (LMDB's writer lock is a mutex); a read LmdbTxn may
// move between threads but must not be used by two at once. Never use an
// LmdbEnv in a child after fork().
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

namespace ar {

// Maps an LMDB return code to a Status: MDB_MAP_FULL -> Full, MDB_NOTFOUND ->
// NotFound, MDB_CORRUPTED/MDB_PAGE_NOTFOUND/MDB_INVALID -> Corruption,
// MDB_BAD_VALSIZE -> InvalidArgument, MDB_MAP_RESIZED/MDB_READERS_FULL ->
// Temporary, anything else -> IoError. `what` names the failed operation.
Status StatusFromMdb(int rc, std::string_view what);

struct LmdbEnvOptions {
  std::string path;       // directory; created (0770 & umask) if missing
  uint64_t map_size = 0;  // bytes
  unsigned max_databases = 16;
  bool read_only = false;
};

class LmdbEnv {
 public:
  static Result<std::unique_ptr<LmdbEnv>> Open(const LmdbEnvOptions& options);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  MDB_env* get() const { return env_; }
  bool read_only() const { return read_only_; }
  // Longest key LMDB accepts in this build (511 bytes by default).
  size_t max_key_size() const;

 private:
  LmdbEnv(MDB_env* env, bool read_only) : env_(env), read_only_(read_only) {}
  MDB_env* env_;
  bool read_only_;
};

class LmdbTxn {
 public:
  static Result<LmdbTxn> BeginRead(const LmdbEnv& env);
  static Result<LmdbTxn> BeginWrite(const LmdbEnv& env);
  LmdbTxn(LmdbTxn&& other) noexcept : txn_(other.txn_) { other.txn_ = nullptr; }
  LmdbTxn& operator=(LmdbTxn&&) = delete;
  LmdbTxn(const LmdbTxn&) = delete;
  ~LmdbTxn() { Abort(); }

  MDB_txn* get() const { return txn_; }
  // Commits (and, for a write transaction, syncs to disk). The transaction
  // is finished afterwards whatever the outcome.
  Status Commit();
  void Abort();

  // Opens a named database; with create, makes it if missing (write txn only).
  Result<MDB_dbi> OpenDatabase(const char* name, bool create);

  // The value under key, or nullopt. The view points into the map and is
  // valid until the transaction ends or writes to dbi.
  Result<std::optional<std::string_view>> Get(MDB_dbi dbi, std::string_view key);
  Status Put(MDB_dbi dbi, std::string_view key, std::string_view value);
  // NotFound if the key is absent.
  Status Delete(MDB_dbi dbi, std::string_view key);

 private:
  explicit LmdbTxn(MDB_txn* txn) : txn_(txn) {}
  MDB_txn* txn_;
};

class LmdbCursor {
 public:
  static Result<LmdbCursor> Open(const LmdbTxn& txn, MDB_dbi dbi);
  LmdbCursor(LmdbCursor&& other) noexcept : cursor_(other.cursor_) { other.cursor_ = nullptr; }
  LmdbCursor& operator=(LmdbCursor&&) = delete;
  LmdbCursor(const LmdbCursor&) = delete;
  ~LmdbCursor();

  struct Entry {
    std::string_view key;
    std::string_view value;
  };
  // Positions on the first entry / the next entry; nullopt past the end.
  Result<std::optional<Entry>> First();
  Result<std::optional<Entry>> Next();
  // Positions on the first entry whose key is >= key (MDB_SET_RANGE).
  Result<std::optional<Entry>> Seek(std::string_view key);

 private:
  explicit LmdbCursor(MDB_cursor* cursor) : cursor_(cursor) {}
  Result<std::optional<Entry>> Step(MDB_cursor_op op);
  MDB_cursor* cursor_;
};

}  // namespace ar
