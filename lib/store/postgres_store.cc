#include "store/postgres_store.h"

namespace ar {

Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options) {
  (void)options;
  return Status::IoError("store = postgresql: this build has no PostgreSQL backend yet");
}

}  // namespace ar
