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
// Thread-safety: LmdbEnv may be shared by threads. Every top-level LmdbTxn
// must begin and end on one thread (LMDB's writer lock is a mutex, and every
// transaction holds the env's map gate, below) and must not be used by two
// threads at once. Never use an LmdbEnv in a child after fork().
//
// Map gate and growth: mdb_env_set_mapsize may only run while this process
// has no transaction open. Every top-level LmdbTxn therefore holds the env's
// gate (a shared_mutex) shared from begin to end, and Grow() and the
// adoption of another process's growth (MDB_MAP_RESIZED at begin, handled
// inside BeginRead/BeginWrite) take it exclusive. Consequence: NO THREAD MAY
// START A WRITE (or anything that may grow the map) WHILE IT HOLDS A READ
// TRANSACTION -- growth would wait for that thread's own transaction to end,
// a deadlock. The env notices this on the calling thread and fails with
// Temporary instead of waiting; a different thread that holds a read
// transaction while waiting for a writer is not detected. LmdbStore never
// holds a transaction across calls, so callers of the Store are safe.
//
// Read transactions are reused: when a top-level read LmdbTxn ends, its
// MDB_txn is reset (mdb_txn_reset: snapshot and reader slot's txnid
// released, the slot itself kept, as MDB_NOTLS allows) and parked in the
// env's small pool; the next BeginRead on any thread renews one
// (mdb_txn_renew) instead of allocating a transaction and a reader slot
// again. A renewed transaction takes the newest committed snapshot, so it
// sees every write committed before it began. A parked transaction is not
// active: it holds no snapshot and no gate, so map growth (which only needs
// no ACTIVE transaction in this process) need not wait for it, and a renew
// after growth maps the new size. A pool, not a thread-local cache, because
// libmilter runs each connection on a thread of its own that ends with the
// connection: per-thread transactions would be lost at every thread exit.
// The pool keeps at most kMaxIdleReads transactions, each holding one of
// the env's reader slots (126 by default, shared with other processes);
// the destructor aborts them before closing the env.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

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
  uint64_t map_size = 0;  // bytes at open (0: LMDB's default or the stored size)
  unsigned max_databases = 16;
  bool read_only = false;
};

class LmdbEnv {
 public:
  // Corruption, before anything is mapped, when data.mdb is truncated or
  // its meta pages are damaged (store/data_file_check.h).
  static Result<std::unique_ptr<LmdbEnv>> Open(const LmdbEnvOptions& options);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  MDB_env* get() const { return env_; }
  bool read_only() const { return read_only_; }
  // Longest key LMDB accepts in this build (511 bytes by default).
  size_t max_key_size() const;
  // The current map size in bytes (grows with Grow() or another process).
  uint64_t map_size() const;

  // Doubles the map, at most to cap bytes. Full when the map already is at
  // least cap; Temporary when the calling thread holds a transaction of this
  // env (see "Map gate" above). Waits until no transaction of this process
  // is open.
  Status Grow(uint64_t cap);
  // Takes the map size another process recorded (after MDB_MAP_RESIZED).
  Status AdoptMapSize() const;

  // The gate (see above); LmdbTxn uses these. HeldByThisThread: whether the
  // calling thread holds it shared through an open transaction.
  void LockShared() const;
  void UnlockShared() const;
  bool HeldByThisThread() const;

  // The read transaction pool (see above). TakeIdleRead: a reset
  // transaction, or null when none is parked. ParkRead: takes a reset
  // transaction, or aborts it when the pool is full.
  static constexpr size_t kMaxIdleReads = 16;
  MDB_txn* TakeIdleRead() const;
  void ParkRead(MDB_txn* reset) const;

  // How many read transactions were begun afresh (mdb_txn_begin) and how
  // many were renewed from the pool; tests see the reuse.
  struct ReadTxnCounts {
    uint64_t begun = 0;
    uint64_t renewed = 0;
  };
  ReadTxnCounts read_txn_counts() const;
  void CountRead(bool renewed) const;

 private:
  LmdbEnv(MDB_env* env, bool read_only) : env_(env), read_only_(read_only) {}
  MDB_env* env_;
  bool read_only_;
  mutable std::shared_mutex gate_;
  mutable std::mutex pool_mu_;
  mutable std::vector<MDB_txn*> idle_reads_;  // guarded by pool_mu_; all reset
  mutable ReadTxnCounts counts_;              // guarded by pool_mu_
};

class LmdbTxn {
 public:
  static Result<LmdbTxn> BeginRead(const LmdbEnv& env);
  static Result<LmdbTxn> BeginWrite(const LmdbEnv& env);
  // A transaction nested in the write transaction parent: its changes
  // become part of parent on Commit(), and Abort() undoes only them. The
  // parent must not be used until the nested one ends.
  static Result<LmdbTxn> BeginNested(LmdbTxn& parent);
  LmdbTxn(LmdbTxn&& other) noexcept
      : txn_(other.txn_), gated_env_(other.gated_env_), read_only_(other.read_only_) {
    other.txn_ = nullptr;
    other.gated_env_ = nullptr;
  }
  LmdbTxn& operator=(LmdbTxn&&) = delete;
  LmdbTxn(const LmdbTxn&) = delete;
  ~LmdbTxn() { Abort(); }

  MDB_txn* get() const { return txn_; }
  // Commits (and, for a write transaction, syncs to disk). The transaction
  // is finished afterwards whatever the outcome. Abort (and the
  // destructor) of a top-level read transaction parks it in the env's pool.
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
  LmdbTxn(MDB_txn* txn, const LmdbEnv* gated_env, bool read_only)
      : txn_(txn), gated_env_(gated_env), read_only_(read_only) {}
  // Ends the hold on the env's gate, if this transaction has one.
  void ReleaseGate();
  // Ends a top-level read transaction: reset and parked for reuse.
  void EndRead();
  MDB_txn* txn_;
  const LmdbEnv* gated_env_;  // the env whose gate this holds; null when nested
  bool read_only_;
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
