// The service user: the account the daemons run as (User= in the shipped
// units; the service_user option). The secret key may be readable by its
// primary group, and --check-config reads files as that user, since a file
// root can read proves nothing about the daemons.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"
#include "core/status.h"

namespace ar {

struct ServiceUser {
  uid_t uid = 0;
  gid_t gid = 0;  // primary group
};

// The passwd entry of name. NotFound naming the user when there is none.
Result<ServiceUser> LookUpServiceUser(const std::string& name);

// Whether user name can open path for reading, tried for real in a child
// process that becomes that user (supplementary groups, group, user), so
// modes, ACLs and every directory on the way count. Only root can do this:
// for anyone else Ok without trying (their own reads have been tried
// already). NotFound when the user does not exist; IoError naming the user,
// the path and the reason when the open fails.
Status CheckReadableAs(const std::string& name, const std::string& path);

}  // namespace ar
