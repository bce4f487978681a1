// The store belongs to the daemons' user. autoresponder-ctl run as root
// would otherwise create data.mdb and lock.mdb owned by root, which the
// daemons then cannot open; so before root opens an existing store owned by
// another user, the process becomes that user, for good (its groups, group
// and user), and everything the store creates is theirs.
#pragma once

#include <string>

#include "core/status.h"

namespace ar {

// Not root, a missing store directory (it is created as root: the packages'
// tmpfiles.d line creates it owned by the daemons' user beforehand), or a
// store directory owned by root: Ok, nothing changes. Root and a store
// directory owned by another user: switches to that user (initgroups, setgid,
// setuid); IoError naming the fix when data.mdb or lock.mdb
// belongs to someone else than the directory (an earlier run as root), or
// when the switch fails.
Status BecomeStoreOwner(const std::string& store_path);

}  // namespace ar
