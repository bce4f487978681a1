// Where the sequence commands find definitions: the current ones in
// sequence_dir (LoadSequenceDirectory, read afresh by every command, so the
// CLI always shows what the next reload of the daemons will use), and the
// versions people entered, kept in the store. Also the step references an
// operator types ("coupon" or "2"). Not thread-safe only in that the store
// is borrowed; the functions keep no state.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "sequence/sequence_definition.h"
#include "store/sequence_store.h"

namespace ar {

// Every sequence in config.sequences.directory. InvalidArgument when no
// sequence_dir is configured; the loader's file:line errors otherwise.
Result<std::vector<LoadedSequence>> LoadCurrentSequences(const Config& config);

// The current definition named `name`; NotFound naming the directory.
Result<LoadedSequence> FindCurrentSequence(const Config& config, const std::string& name);

// The definition of a stored version (the one a person entered). NotFound
// when the store does not hold it; the parser's errors when it no longer
// parses.
Result<SequenceDefinition> LoadStoredDefinition(SequenceStore& store, const std::string& name,
                                                const std::string& version);

// A step by name, or by 1-based number; returns the 0-based index.
// InvalidArgument listing the step names when there is no such step.
Result<size_t> FindStep(const SequenceDefinition& definition, const std::string& reference);

// The first 12 hex digits of a version: enough to tell versions apart on a
// screen.
std::string ShortVersion(const std::string& version);

}  // namespace ar
