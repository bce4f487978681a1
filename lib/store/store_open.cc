// Store::Open picks the backend named in the options; each backend has its
// own opener so that only its files include its client library.
#include "store/lmdb_store.h"
#include "store/postgres_store.h"
#include "store/status_macros.h"
#include "store/store.h"

namespace ar {

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.backend == StoreBackend::kPostgresql) return OpenPostgresStore(options);
  AR_ASSIGN_OR_RETURN(std::unique_ptr<LmdbStore> store, LmdbStore::OpenLmdb(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ar
