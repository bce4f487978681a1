// LmdbStore: Stats(), the read-only counts and sizes behind the metrics
// gauges and `autoresponder-ctl stats`.
#include <vector>

#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/status_macros.h"

namespace ar {

namespace {

Result<uint64_t> EntryCount(const LmdbTxn& txn, MDB_dbi dbi, const char* name) {
  MDB_stat stat;
  int rc = mdb_stat(txn.get(), dbi, &stat);
  if (rc != 0) return StatusFromMdb(rc, std::string("mdb_stat ") + name);
  return static_cast<uint64_t>(stat.ms_entries);
}

// Pages a database's tree holds now (branch, leaf and overflow pages).
Result<uint64_t> PageCount(const LmdbTxn& txn, MDB_dbi dbi, const char* name) {
  MDB_stat stat;
  int rc = mdb_stat(txn.get(), dbi, &stat);
  if (rc != 0) return StatusFromMdb(rc, std::string("mdb_stat ") + name);
  return static_cast<uint64_t>(stat.ms_branch_pages) + stat.ms_leaf_pages +
         stat.ms_overflow_pages;
}

}  // namespace

Result<uint64_t> LmdbStore::BytesInUse(LmdbTxn& txn) const {
  // LMDB's free-page tree (0) and main tree (1, the names of the others).
  constexpr MDB_dbi kFreeDbi = 0;
  constexpr MDB_dbi kMainDbi = 1;
  std::vector<MDB_dbi> dbis = {
      kFreeDbi,           kMainDbi,          dbs_.meta,         dbs_.rules,
      dbs_.addresses,     dbs_.responses,    dbs_.queue,        dbs_.due,
      dbs_.failed,        dbs_.seq_versions, dbs_.enrolments,   dbs_.sent_ids,
      dbs_.triggers_seen, dbs_.tokens,       dbs_.suppressions, dbs_.soft_bounces};
  if (dbs_.claims_present) dbis.push_back(dbs_.claims);
  if (dbs_.person_sends_present) dbis.push_back(dbs_.person_sends);
  if (dbs_.enrol_windows_present) dbis.push_back(dbs_.enrol_windows);
  if (dbs_.held_present) dbis.push_back(dbs_.held);
  uint64_t pages = 2;  // the meta pages
  uint64_t page_size = 0;
  for (MDB_dbi dbi : dbis) {
    MDB_stat stat;
    int rc = mdb_stat(txn.get(), dbi, &stat);
    if (rc != 0) return StatusFromMdb(rc, "mdb_stat");
    pages += stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages;
    page_size = stat.ms_psize;
  }
  return pages * page_size;
}

Result<StoreStats> LmdbStore::Stats() {
  StoreStats stats;
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(stats.rules, EntryCount(txn, dbs_.rules, "rules"));
  AR_ASSIGN_OR_RETURN(stats.queued, EntryCount(txn, dbs_.queue, "queue"));
  AR_ASSIGN_OR_RETURN(stats.failed, EntryCount(txn, dbs_.failed, "failed"));
  {
    AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.due));
    AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> first, cursor.First());
    if (first) {
      std::optional<DueKey> key = DecodeDueKey(first->key);
      if (!key) return Status::Corruption("due index has a malformed key");
      stats.earliest_due = key->due;
    }
  }
  // The environment's own view: the highest page written (pages are never
  // returned to the file system, so this is the data file's size) and the
  // map size, which another process may have grown.
  MDB_envinfo info;
  int rc = mdb_env_info(env_->get(), &info);
  if (rc != 0) return StatusFromMdb(rc, "mdb_env_info");
  MDB_stat env_stat;
  rc = mdb_env_stat(env_->get(), &env_stat);
  if (rc != 0) return StatusFromMdb(rc, "mdb_env_stat");
  stats.used_bytes = (static_cast<uint64_t>(info.me_last_pgno) + 1) * env_stat.ms_psize;
  stats.map_size = static_cast<uint64_t>(info.me_mapsize);
  // The live data: every named database's pages plus the main database
  // that names them (free pages LMDB will reuse are not counted).
  uint64_t pages = static_cast<uint64_t>(env_stat.ms_branch_pages) + env_stat.ms_leaf_pages +
                   env_stat.ms_overflow_pages;
  for (MDB_dbi dbi : {dbs_.meta, dbs_.rules, dbs_.addresses, dbs_.responses, dbs_.queue, dbs_.due,
                      dbs_.failed, dbs_.seq_versions, dbs_.enrolments, dbs_.sent_ids,
                      dbs_.triggers_seen, dbs_.tokens, dbs_.suppressions, dbs_.soft_bounces}) {
    AR_ASSIGN_OR_RETURN(uint64_t n, PageCount(txn, dbi, "database"));
    pages += n;
  }
  if (dbs_.claims_present) {
    AR_ASSIGN_OR_RETURN(uint64_t n, PageCount(txn, dbs_.claims, "claims"));
    pages += n;
  }
  if (dbs_.person_sends_present) {
    AR_ASSIGN_OR_RETURN(uint64_t n, PageCount(txn, dbs_.person_sends, "person_sends"));
    pages += n;
  }
  if (dbs_.enrol_windows_present) {
    AR_ASSIGN_OR_RETURN(uint64_t n, PageCount(txn, dbs_.enrol_windows, "enrol_windows"));
    pages += n;
  }
  if (dbs_.held_present) {
    AR_ASSIGN_OR_RETURN(uint64_t n, PageCount(txn, dbs_.held, "held"));
    pages += n;
  }
  stats.live_bytes = pages * env_stat.ms_psize;
  return stats;
}

}  // namespace ar
