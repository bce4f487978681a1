// The secret key of sequences: tokens in VERP and unsubscribe addresses and
// coupon codes are HMACs under it (sequence/tokens.h), so it is read from a
// file only root and the programs can read, never from the config file, and
// never printed (no option prints SequenceOptions::secret_key).
#pragma once

#include "config/config.h"
#include "core/status.h"

namespace ar {

// The shortest key accepted, in bytes (128 bits).
inline constexpr size_t kMinSecretKeyBytes = 16;

// When sequences are on (sequence_dir set and an existing directory), reads
// secret_key_file into config->sequences.secret_key, dropping one trailing
// newline (keys are often written with echo). InvalidArgument naming the
// file when it cannot be read or is shorter than kMinSecretKeyBytes. With
// sequences off, leaves the key empty and reads nothing.
Status LoadSequenceSecret(Config* config);

}  // namespace ar
