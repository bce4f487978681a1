// OptionEntry: one row of the options table with everything the parser and
// the printers need, so that neither keeps its own list of settings:
//   - info:  name, default text, description, repeatable (OptionsTable()
//            exposes just these);
//   - apply: checks one value and stores it in a Config;
//   - clear: empties a list before the first value of a repeatable option
//            replaces the built-in list;
//   - print: the current value of a Config in the syntax apply() accepts,
//            so printed configurations load back unchanged.
// The entries are built once and never change; safe to read from any thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/options_table.h"
#include "core/status.h"

namespace ar {

struct OptionEntry {
  OptionInfo info;
  std::function<Status(Config&, const std::string& value)> apply;
  std::function<void(Config&)> clear;  // set only for repeatable options
  std::function<std::string(const Config&)> print;
};

// Every entry, in documentation order; OptionsTable() is derived from it.
const std::vector<OptionEntry>& OptionEntries();
// nullptr when there is no option of that name.
const OptionEntry* FindOptionEntry(const std::string& name);

// Checks the rules that tie several settings together (period_min <=
// period_default <= period_max, retry_base <= retry_max, ...). On failure the
// message names the settings, and *involved (when given) lists them, so the
// caller can point at the place where the last of them was set.
Status CheckConsistency(const Config& config, std::vector<std::string>* involved = nullptr);

}  // namespace ar
