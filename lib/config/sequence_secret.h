// The secret key of sequences: tokens in VERP and unsubscribe addresses and
// coupon codes are HMACs under it (sequence/tokens.h), so it is read from a
// file only root and the programs can read, never from the config file, and
// never printed (no option prints SequenceOptions::secret_key).
#pragma once

#include <sys/types.h>

#include <string>

#include "config/config.h"
#include "core/status.h"

namespace ar {

// The shortest key accepted, in bytes (128 bits).
inline constexpr size_t kMinSecretKeyBytes = 16;

// When sequences are on (sequence_dir set and an existing directory), reads
// secret_key_file into config->sequences.secret_key, dropping one trailing
// newline (keys are often written with echo). InvalidArgument naming the
// file when it cannot be read, is not a regular file, is shorter than
// kMinSecretKeyBytes, or has a mode CheckSecretKeyMode refuses. With
// sequences off, leaves the key empty and reads nothing.
Status LoadSequenceSecret(Config* config);

// Who may get at the key, as OpenDKIM judges private keys: nobody but the
// owner and, read-only, one group. InvalidArgument naming the path, the mode
// and the fix when any bit for others is set, when the group may write, or
// when the group may read unless the owner is root and the group is the
// primary group of service_user (the daemons' user reads it through the
// group; nobody else is in it). Ok for 0600, 0400 and that 0640.
Status CheckSecretKeyMode(const std::string& path, uid_t owner, gid_t group, mode_t mode,
                          const std::string& service_user);

// --check-config: a key that was read (by root, say) must also be readable
// by service_user, who runs the daemons (service_user.h). Ok when no key was
// read, no service_user is set, or the caller is not root.
Status CheckSecretKeyAsServiceUser(const Config& config);

}  // namespace ar
