#include "store/lmdb_env.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "store/data_file_check.h"

namespace ar {

namespace {

MDB_val ToVal(std::string_view s) {
  // LMDB never writes through mv_data of a key or of a value passed to put.
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

std::string_view FromVal(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// The gates the calling thread holds shared, one entry per open top-level
// transaction, so growth on a thread that would wait for itself fails
// instead of deadlocking.
thread_local std::vector<const LmdbEnv*> gates_held;

// Renews a parked read transaction (gate held by the caller). Null when
// none is parked or the renewal failed (MDB_MAP_RESIZED after another
// process grew the map, a full reader table...): the transaction is then
// dropped and the caller begins one afresh, which reports or handles the
// error as a first begin would.
MDB_txn* RenewIdleRead(const LmdbEnv& env) {
  MDB_txn* txn = env.TakeIdleRead();
  if (txn == nullptr) return nullptr;
  if (mdb_txn_renew(txn) == MDB_SUCCESS) return txn;
  mdb_txn_abort(txn);
  return nullptr;
}

// Begins a top-level transaction holding env's gate shared. Another
// process's growth shows as MDB_MAP_RESIZED: adopt its size and try again.
Result<MDB_txn*> BeginGated(const LmdbEnv& env, unsigned flags, const char* what) {
  const bool read = (flags & MDB_RDONLY) != 0;
  for (int attempt = 0;; ++attempt) {
    env.LockShared();
    MDB_txn* txn = read ? RenewIdleRead(env) : nullptr;
    if (txn != nullptr) {
      env.CountRead(true);
      return txn;
    }
    int rc = mdb_txn_begin(env.get(), nullptr, flags, &txn);
    if (rc == MDB_SUCCESS) {
      if (read) env.CountRead(false);
      return txn;
    }
    env.UnlockShared();
    // A handful of tries: each one adopts the newest size, so more than one
    // is only needed while another process keeps growing the map.
    if (rc != MDB_MAP_RESIZED || attempt >= 8) return StatusFromMdb(rc, what);
    Status adopted = env.AdoptMapSize();
    if (!adopted.ok()) return adopted;
  }
}

}  // namespace

Status StatusFromMdb(int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_SUCCESS:
      return Status::Ok();
    case MDB_MAP_FULL:
      return Status::Full(msg);
    case MDB_NOTFOUND:
      return Status::NotFound(msg);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
      return Status::Corruption(msg);
    case MDB_BAD_VALSIZE:
      return Status::InvalidArgument(msg);
    case MDB_MAP_RESIZED:
    case MDB_READERS_FULL:
      return Status::Temporary(msg);
    default:
      return Status::IoError(msg);
  }
}

Result<std::unique_ptr<LmdbEnv>> LmdbEnv::Open(const LmdbEnvOptions& options) {
  if (options.path.empty()) return Status::InvalidArgument("store path is empty");
  if (!options.read_only) {
    std::error_code ec;
    std::filesystem::create_directories(options.path, ec);
    if (ec) return Status::IoError("create " + options.path + ": " + ec.message());
  }

  // Before the map exists: a truncated data file would otherwise kill the
  // process with SIGBUS at the first read of a page past its end.
  Status intact = CheckDataFile(options.path + "/data.mdb");
  if (!intact.ok()) return intact;

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "mdb_env_create");
  std::unique_ptr<LmdbEnv> env(new LmdbEnv(raw, options.read_only));

  if (options.map_size != 0) {
    rc = mdb_env_set_mapsize(raw, options.map_size);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "mdb_env_set_mapsize");
  }
  rc = mdb_env_set_maxdbs(raw, options.max_databases);
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "mdb_env_set_maxdbs");

  // MDB_NOTLS: read transactions are handed between milter threads and a
  // thread may hold more than one; no MDB_NOSYNC/MDB_NOMETASYNC, because an
  // accepted write must survive a crash.
  unsigned flags = MDB_NOTLS;
  if (options.read_only) flags |= MDB_RDONLY;
  rc = mdb_env_open(raw, options.path.c_str(), flags, 0660);
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "open store " + options.path);

  // A process killed inside a read transaction leaves its reader slot taken,
  // which pins old pages and lets the map fill up; clear such slots now.
  int dead = 0;
  rc = mdb_reader_check(raw, &dead);
  if (rc != MDB_SUCCESS && !options.read_only) return StatusFromMdb(rc, "mdb_reader_check");
  return env;
}

LmdbEnv::~LmdbEnv() {
  // Parked read transactions hold reader slots; they end before the env.
  for (MDB_txn* txn : idle_reads_) mdb_txn_abort(txn);
  mdb_env_close(env_);
}

MDB_txn* LmdbEnv::TakeIdleRead() const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (idle_reads_.empty()) return nullptr;
  MDB_txn* txn = idle_reads_.back();
  idle_reads_.pop_back();
  return txn;
}

void LmdbEnv::ParkRead(MDB_txn* reset) const {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_reads_.size() < kMaxIdleReads) {
      idle_reads_.push_back(reset);
      return;
    }
  }
  mdb_txn_abort(reset);
}

LmdbEnv::ReadTxnCounts LmdbEnv::read_txn_counts() const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  return counts_;
}

void LmdbEnv::CountRead(bool renewed) const {
  std::lock_guard<std::mutex> lock(pool_mu_);
  ++(renewed ? counts_.renewed : counts_.begun);
}

size_t LmdbEnv::max_key_size() const { return static_cast<size_t>(mdb_env_get_maxkeysize(env_)); }

uint64_t LmdbEnv::map_size() const {
  MDB_envinfo info;
  if (mdb_env_info(env_, &info) != MDB_SUCCESS) return 0;
  return static_cast<uint64_t>(info.me_mapsize);
}

void LmdbEnv::LockShared() const {
  gate_.lock_shared();
  gates_held.push_back(this);
}

void LmdbEnv::UnlockShared() const {
  auto it = std::find(gates_held.begin(), gates_held.end(), this);
  if (it != gates_held.end()) gates_held.erase(it);
  gate_.unlock_shared();
}

bool LmdbEnv::HeldByThisThread() const {
  return std::find(gates_held.begin(), gates_held.end(), this) != gates_held.end();
}

Status LmdbEnv::Grow(uint64_t cap) {
  if (HeldByThisThread()) {
    return Status::Temporary("store map must grow, but this thread holds a transaction");
  }
  std::unique_lock<std::shared_mutex> exclusive(gate_);
  const uint64_t current = map_size();
  if (current >= cap) {
    return Status::Full("store map is at its limit of " + std::to_string(cap) + " bytes");
  }
  const uint64_t next = current > cap / 2 ? cap : std::max<uint64_t>(current * 2, 1);
  return StatusFromMdb(mdb_env_set_mapsize(env_, static_cast<size_t>(next)), "grow store map");
}

Status LmdbEnv::AdoptMapSize() const {
  if (HeldByThisThread()) {
    return Status::Temporary(
        "another process grew the store map while this thread holds a "
        "transaction");
  }
  std::unique_lock<std::shared_mutex> exclusive(gate_);
  // Size 0: take the size in the environment's newest meta page.
  return StatusFromMdb(mdb_env_set_mapsize(env_, 0), "adopt store map size");
}

Result<LmdbTxn> LmdbTxn::BeginRead(const LmdbEnv& env) {
  Result<MDB_txn*> txn = BeginGated(env, MDB_RDONLY, "begin read transaction");
  if (!txn.ok()) return txn.status();
  return LmdbTxn(*txn, &env, true);
}

Result<LmdbTxn> LmdbTxn::BeginWrite(const LmdbEnv& env) {
  if (env.read_only()) return Status::InvalidArgument("store is open read-only");
  Result<MDB_txn*> txn = BeginGated(env, 0, "begin write transaction");
  if (!txn.ok()) return txn.status();
  return LmdbTxn(*txn, &env, false);
}

Result<LmdbTxn> LmdbTxn::BeginNested(LmdbTxn& parent) {
  if (parent.txn_ == nullptr) return Status::IoError("nested transaction in a finished one");
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(mdb_txn_env(parent.txn_), parent.txn_, 0, &txn);
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "begin nested transaction");
  // The parent holds the gate for both.
  return LmdbTxn(txn, nullptr, false);
}

void LmdbTxn::ReleaseGate() {
  if (gated_env_ != nullptr) gated_env_->UnlockShared();
  gated_env_ = nullptr;
}

void LmdbTxn::EndRead() {
  // Reset while the gate is still held: the snapshot is released before
  // growth may remap. The reset transaction is no longer active.
  mdb_txn_reset(txn_);
  gated_env_->ParkRead(txn_);
  txn_ = nullptr;
  ReleaseGate();
}

Status LmdbTxn::Commit() {
  if (txn_ == nullptr) return Status::IoError("commit of a finished transaction");
  int rc = mdb_txn_commit(txn_);  // frees the txn even on failure
  txn_ = nullptr;
  ReleaseGate();
  return StatusFromMdb(rc, "commit");
}

void LmdbTxn::Abort() {
  // Only Abort parks: committing a read transaction is how the databases it
  // opened stay open (mdb_dbi_open), which a reset would undo.
  if (txn_ != nullptr && read_only_ && gated_env_ != nullptr) {
    EndRead();
    return;
  }
  if (txn_ != nullptr) mdb_txn_abort(txn_);
  txn_ = nullptr;
  ReleaseGate();
}

Result<MDB_dbi> LmdbTxn::OpenDatabase(const char* name, bool create) {
  MDB_dbi dbi = 0;
  int rc = mdb_dbi_open(txn_, name, create ? MDB_CREATE : 0, &dbi);
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, std::string("open database ") + name);
  return dbi;
}

Result<std::optional<std::string_view>> LmdbTxn::Get(MDB_dbi dbi, std::string_view key) {
  MDB_val k = ToVal(key);
  MDB_val v{0, nullptr};
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<std::string_view>();
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "get");
  return std::optional<std::string_view>(FromVal(v));
}

Status LmdbTxn::Put(MDB_dbi dbi, std::string_view key, std::string_view value) {
  MDB_val k = ToVal(key);
  MDB_val v = ToVal(value);
  return StatusFromMdb(mdb_put(txn_, dbi, &k, &v, 0), "put");
}

Status LmdbTxn::Delete(MDB_dbi dbi, std::string_view key) {
  MDB_val k = ToVal(key);
  return StatusFromMdb(mdb_del(txn_, dbi, &k, nullptr), "delete");
}

Result<LmdbCursor> LmdbCursor::Open(const LmdbTxn& txn, MDB_dbi dbi) {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn.get(), dbi, &cursor);
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "open cursor");
  return LmdbCursor(cursor);
}

LmdbCursor::~LmdbCursor() {
  if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

Result<std::optional<LmdbCursor::Entry>> LmdbCursor::First() { return Step(MDB_FIRST); }
Result<std::optional<LmdbCursor::Entry>> LmdbCursor::Next() { return Step(MDB_NEXT); }

Result<std::optional<LmdbCursor::Entry>> LmdbCursor::Seek(std::string_view key) {
  // An empty key is not allowed by LMDB; every key is >= "", so it is First.
  if (key.empty()) return First();
  MDB_val k = ToVal(key);
  MDB_val v{0, nullptr};
  int rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
  if (rc == MDB_NOTFOUND) return std::optional<Entry>();
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "cursor seek");
  return std::optional<Entry>(Entry{FromVal(k), FromVal(v)});
}

Result<std::optional<LmdbCursor::Entry>> LmdbCursor::Step(MDB_cursor_op op) {
  MDB_val k{0, nullptr};
  MDB_val v{0, nullptr};
  int rc = mdb_cursor_get(cursor_, &k, &v, op);
  if (rc == MDB_NOTFOUND) return std::optional<Entry>();
  if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "cursor");
  return std::optional<Entry>(Entry{FromVal(k), FromVal(v)});
}

}  // namespace ar
