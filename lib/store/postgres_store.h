// The Store and SequenceStore contracts on one PostgreSQL database shared by
// several MX hosts (store = postgresql). See POSTGRESQL.md for the schema.
#pragma once

#include <memory>

#include "core/result.h"
#include "store/store.h"

namespace ar {

// Connects with options.postgresql_dsn, checks (and, when writable, applies)
// the schema migrations, and returns the store.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenPostgresStore(const StoreOptions& options);

}  // namespace ar
