#include "ctl/ooo_commands.h"

#include <map>
#include <ostream>

#include "config/options_table.h"
#include "core/strings.h"
#include "ctl/json_output.h"
#include "ctl/output_format.h"
#include "ctl/rule_editing.h"
#include "ctl/rule_flags.h"
#include "message/address.h"
#include "policy/rule_validation.h"

namespace ar {

namespace {

// Parses flags and requires exactly `want` positional arguments.
Result<CommandLine> ParseArgs(const std::vector<std::string>& args,
                              const std::vector<ProgramFlag>& flags, size_t want,
                              const std::string& command) {
  auto parsed = ParseFlags(args, flags);
  if (!parsed.ok()) return Status::InvalidArgument(command + ": " + parsed.status().message());
  if (parsed->positional.size() != want) {
    return Status::InvalidArgument(
        command + (want == 0 ? " takes no arguments" : " needs exactly one ADDRESS"));
  }
  return parsed;
}

// "no rule for X", naming the rule X is an alias of, if any: operators
// often type the address they see in mail rather than the primary one.
int NoRule(const CommandContext& ctx, Store& store, const std::string& address) {
  std::string message = "no rule for " + PrintableLine(address);
  auto owners = store.FindRulesForRecipients({address});
  if (owners.ok() && !owners->empty()) {
    message += " (it is an alias of " + PrintableLine(owners->front().address) + ")";
  }
  return Failure(ctx, message);
}

int Set(const CommandContext& ctx, const std::vector<std::string>& args) {
  auto flags = ParseArgs(args, RuleSetFlags(), 1, "ooo set");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  const std::string address = NormalizeAddress(Trim(flags->positional[0]));
  // Refused before the store is opened, so a typo creates nothing.
  if (!IsSafeAddress(address)) {
    return UsageError(ctx, "'" + PrintableLine(flags->positional[0]) +
                               "' is not a usable mail address (local@domain)");
  }

  // Every syntax error (durations, WHEN, zones, conflicting flags) shows up
  // without the stored rule and without reading files, so it is reported
  // before the store is opened or created.
  auto syntax = RuleEditsFromFlags(
      *flags, std::nullopt, [](const std::string&) { return Result<std::string>(std::string()); });
  if (!syntax.ok()) return FromStatus(ctx, syntax.status());

  // The files are read before the store is opened: opening it may give up
  // root for the store's owner (store_owner.h), who may not read them.
  std::map<std::string, std::string> files;
  TextFileReader read_ahead = [&ctx, &files](const std::string& path) -> Result<std::string> {
    auto text = ReadTextFile(path, ctx.in, kMaxBodyBytes);
    if (text.ok()) files[path] = *text;
    return text;
  };
  if (auto read = RuleEditsFromFlags(*flags, std::nullopt, read_ahead); !read.ok())
    return FromStatus(ctx, read.status());

  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto existing = (*store)->GetRule(address);
  if (!existing.ok()) return Failure(ctx, existing.status().ToString());

  TextFileReader reader = [&ctx, &files](const std::string& path) -> Result<std::string> {
    auto known = files.find(path);
    if (known != files.end()) return known->second;
    return ReadTextFile(path, ctx.in, kMaxBodyBytes);
  };
  auto edits = RuleEditsFromFlags(*flags, *existing, reader);
  if (!edits.ok()) return FromStatus(ctx, edits.status());
  auto outcome = ApplyRuleEdits(*existing, address, *edits, ctx.config.policy);
  if (!outcome.ok()) return FromStatus(ctx, outcome.status());
  for (const std::string& warning : outcome->warnings) {
    ctx.err << "autoresponder-ctl: warning: " << warning << "\n";
  }

  Status put = (*store)->PutRule(outcome->rule);
  if (!put.ok()) return Failure(ctx, put.ToString());

  const OutOfOfficeRule& rule = outcome->rule;
  const std::string generation = "generation " + std::to_string(rule.generation);
  if (outcome->created) {
    ctx.out << "created " << rule.address << " (" << generation << ")\n";
  } else if (outcome->generation_bumped) {
    ctx.out << "updated " << rule.address << " (" << generation
            << ": a new response, every sender is answered again)\n";
  } else {
    ctx.out << "updated " << rule.address << " (" << generation << " kept: the same response)\n";
  }
  if (!rule.enabled) {
    ctx.err << "autoresponder-ctl: note: the rule is off; 'ooo on " << rule.address
            << "' switches it on\n";
  }
  return kExitOk;
}

int Show(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {{kJsonFlag, "print JSON", false, false}};
  auto flags = ParseArgs(args, kFlags, 1, "ooo show");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  const std::string address = NormalizeAddress(Trim(flags->positional[0]));
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto rule = (*store)->GetRule(address);
  if (!rule.ok()) return Failure(ctx, rule.status().ToString());
  if (!rule->has_value()) return NoRule(ctx, **store, address);
  if (flags->Has(kJsonFlag)) {
    PrintJson(ctx.out, RuleJson(**rule, ctx.clock.Now()));
    return kExitOk;
  }
  ctx.out << FormatRuleDetails(**rule, ctx.clock.Now());
  return kExitOk;
}

int List(const CommandContext& ctx, const std::vector<std::string>& args) {
  static const std::vector<ProgramFlag> kFlags = {{kJsonFlag, "print JSON", false, false}};
  auto flags = ParseArgs(args, kFlags, 0, "ooo list");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto rules = (*store)->ListRules();
  if (!rules.ok()) return Failure(ctx, rules.status().ToString());
  if (flags->Has(kJsonFlag)) {
    Json list = Json::array();
    for (const OutOfOfficeRule& rule : *rules) list.push_back(RuleJson(rule, ctx.clock.Now()));
    PrintJson(ctx.out, list);
    return kExitOk;
  }
  if (!rules->empty()) ctx.out << RuleListHeader();
  for (const OutOfOfficeRule& rule : *rules) ctx.out << FormatRuleLine(rule);
  return kExitOk;
}

// off and on: load, change, validate, store.
int Switch(const CommandContext& ctx, const std::vector<std::string>& args, bool on) {
  const std::string command = on ? "ooo on" : "ooo off";
  auto flags = ParseArgs(args, {}, 1, command);
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  const std::string address = NormalizeAddress(Trim(flags->positional[0]));
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  auto loaded = (*store)->GetRule(address);
  if (!loaded.ok()) return Failure(ctx, loaded.status().ToString());
  if (!loaded->has_value()) return NoRule(ctx, **store, address);
  OutOfOfficeRule rule = **loaded;

  if (on) {
    if (!SwitchRuleOn(&rule)) {
      ctx.out << rule.address << " is already on (generation " << rule.generation << ")\n";
      return kExitOk;
    }
    Status valid = ValidateRule(rule);
    if (!valid.ok()) return Failure(ctx, "cannot switch on: " + valid.message());
  } else {
    if (!rule.enabled) {
      ctx.out << rule.address << " is already off\n";
      return kExitOk;
    }
    rule.enabled = false;
  }
  Status put = (*store)->PutRule(rule);
  if (!put.ok()) return Failure(ctx, put.ToString());
  ctx.out << rule.address
          << (on ? " is on (generation " + std::to_string(rule.generation) + ": a new response)\n"
                 : " is off\n");
  return kExitOk;
}

int Clear(const CommandContext& ctx, const std::vector<std::string>& args) {
  auto flags = ParseArgs(args, {}, 1, "ooo clear");
  if (!flags.ok()) return FromStatus(ctx, flags.status());
  const std::string address = NormalizeAddress(Trim(flags->positional[0]));
  auto store = ctx.store();
  if (!store.ok()) return StoreFailure(ctx, store.status());
  Status deleted = (*store)->DeleteRule(address);
  if (deleted.IsNotFound()) return NoRule(ctx, **store, address);
  if (!deleted.ok()) return Failure(ctx, deleted.ToString());
  ctx.out << "deleted " << address << "\n";
  return kExitOk;
}

}  // namespace

int RunOooCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      ctx.out << UsageText();
      return kExitOk;
    }
  }
  if (args.empty()) return UsageError(ctx, "ooo needs a command: set, show, list, off, on, clear");
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "set") return Set(ctx, rest);
  if (command == "show") return Show(ctx, rest);
  if (command == "list") return List(ctx, rest);
  if (command == "off") return Switch(ctx, rest, false);
  if (command == "on") return Switch(ctx, rest, true);
  if (command == "clear") return Clear(ctx, rest);
  return UsageError(ctx, "unknown command 'ooo " + PrintableLine(command) + "'");
}

}  // namespace ar
