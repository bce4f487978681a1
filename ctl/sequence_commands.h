// The `sequence` commands: list, show, enrol, unenrol, migrate, render,
// preview.
// Each takes the arguments after its own name, reads the current
// definitions from sequence_dir and opens the store only once its
// arguments are known to be good; results on ctx.out, errors on ctx.err,
// an ExitCode back. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunSequenceCommand(const CommandContext& ctx, const std::vector<std::string>& args);

// `sequence migrate` (sequence_migrate_command.cc) and `sequence render`
// (sequence_render_command.cc), given the arguments after their names.
int RunSequenceMigrate(const CommandContext& ctx, const std::vector<std::string>& args);
int RunSequenceRender(const CommandContext& ctx, const std::vector<std::string>& args);
// `sequence preview` (sequence_preview_command.cc).
int RunSequencePreview(const CommandContext& ctx, const std::vector<std::string>& args);

// How many enrolments are read at most for one sequence (list, migrate
// --all, schedule).
inline constexpr size_t kMaxMembers = 1000000;

}  // namespace ar
