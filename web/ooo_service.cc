#include "web/ooo_service.h"

#include <algorithm>

#include "compose/message_preview.h"
#include "compose/reply_composer.h"
#include "core/strings.h"
#include "ctl/json_output.h"
#include "ctl/rule_editing.h"
#include "message/address.h"
#include "policy/header_syntax.h"
#include "policy/reply_plan.h"
#include "policy/rule_validation.h"
#include "web/ooo_request.h"

namespace ar {

namespace {

std::string Who(const ApiCaller& caller) {
  return "user=" + LogExcerpt(caller.user) + " client=" + LogExcerpt(caller.client);
}

}  // namespace

OooService::Target OooService::Resolve(const ApiCaller& caller, const std::string& address) {
  Target target{caller.user, caller.user, std::nullopt};
  const std::string named = NormalizeAddress(Trim(address));
  if (named.empty() || named == caller.user) return target;
  auto rule = store_.GetRule(caller.user);
  if (!rule.ok()) {
    target.refused = StoreFailure("read rule", rule.status());
    return target;
  }
  const bool alias = rule->has_value() && std::find((*rule)->aliases.begin(),
                                                    (*rule)->aliases.end(),
                                                    named) != (*rule)->aliases.end();
  if (!alias) {
    logger_.Warning("web: refused " + Who(caller) + " address=" + LogExcerpt(named) +
                    ": not the user's address or alias");
    target.refused = ErrorReply(403, "not your address", "address");
    return target;
  }
  target.named_address = named;
  return target;
}

ApiReply OooService::StoreFailure(const std::string& what, const Status& status) {
  logger_.Error("web: store: cannot " + what + ": " + status.ToString());
  return ErrorReply(500, "the store is not available; try again later");
}

ApiReply OooService::Get(const ApiCaller& caller, const std::string& address) {
  Target target = Resolve(caller, address);
  if (target.refused) return *target.refused;
  auto rule = store_.GetRule(target.rule_address);
  if (!rule.ok()) return StoreFailure("read rule", rule.status());
  if (!rule->has_value()) return ErrorReply(404, "no out-of-office reply is set");
  return ApiReply{200, RuleJson(**rule, clock_.Now())};
}

ApiReply OooService::Put(const ApiCaller& caller, const std::string& address,
                         const std::string& body) {
  Target target = Resolve(caller, address);
  if (target.refused) return *target.refused;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return ErrorReply(400, "the body is not JSON");

  std::lock_guard<std::mutex> lock(write_mu_);
  auto stored = store_.GetRule(target.rule_address);
  if (!stored.ok()) return StoreFailure("read rule", stored.status());
  auto parsed = ParseOooRequest(json, *stored, config_.policy);
  if (auto* error = std::get_if<FieldError>(&parsed)) {
    return ErrorReply(422, error->message, error->field);
  }
  const OooRequest& request = std::get<OooRequest>(parsed);
  auto outcome = ApplyRuleEdits(*stored, target.rule_address, request.edits, config_.policy);
  if (!outcome.ok()) return ErrorReply(422, outcome.status().message());
  OutOfOfficeRule rule = outcome->rule;
  if (request.enabled) {
    if (*request.enabled) {
      // Switching back on is a new response, as `ooo on` (rule_editing.h);
      // unless the edit already started a new generation.
      if (!rule.enabled && !outcome->generation_bumped && !outcome->created) SwitchRuleOn(&rule);
      rule.enabled = true;
    } else {
      rule.enabled = false;
    }
  }
  if (Status valid = ValidateRule(rule); !valid.ok()) return ErrorReply(422, valid.message());
  if (Status put = store_.PutRule(rule); !put.ok()) return StoreFailure("store rule", put);
  logger_.Info("web: " + std::string(outcome->created ? "created" : "updated") + " rule " +
               LogExcerpt(rule.address) + " " + Who(caller) +
               " generation=" + std::to_string(rule.generation) +
               " enabled=" + (rule.enabled ? "yes" : "no"));
  return ApiReply{outcome->created ? 201 : 200, RuleJson(rule, clock_.Now())};
}

ApiReply OooService::Delete(const ApiCaller& caller, const std::string& address) {
  Target target = Resolve(caller, address);
  if (target.refused) return *target.refused;
  std::lock_guard<std::mutex> lock(write_mu_);
  Status deleted = store_.DeleteRule(target.rule_address);
  if (deleted.IsNotFound()) return ErrorReply(404, "no out-of-office reply is set");
  if (!deleted.ok()) return StoreFailure("delete rule", deleted);
  logger_.Info("web: deleted rule " + LogExcerpt(target.rule_address) + " " + Who(caller));
  return ApiReply{200, {{"deleted", target.rule_address}}};
}

ApiReply OooService::Preview(const ApiCaller& caller, const std::string& address,
                             const std::string& sender, bool internal) {
  Target target = Resolve(caller, address);
  if (target.refused) return *target.refused;
  const std::string from = sender.empty() ? "sender@example.com" : NormalizeAddress(Trim(sender));
  if (!IsSafeAddress(from)) return ErrorReply(422, "not a usable mail address", "sender");
  auto rule = store_.GetRule(target.rule_address);
  if (!rule.ok()) return StoreFailure("read rule", rule.status());
  if (!rule->has_value()) return ErrorReply(404, "no out-of-office reply is set");

  // The message the preview answers: what a plain mail from sender has.
  Envelope envelope;
  envelope.sender = from;
  envelope.recipients = {target.named_address};
  Message message(std::move(envelope));
  message.AddHeader("From", from);
  message.AddHeader("To", target.named_address);
  message.AddHeader("Subject", "Hello");
  message.AddHeader("Message-ID", "<preview@example.com>");
  const TimePoint now = clock_.Now();
  const ReplyPlan plan =
      BuildReplyPlan(message, **rule, config_.policy, target.named_address, internal);
  auto composed = ComposeReply(plan, config_.compose, now);
  if (!composed.ok()) return ErrorReply(422, composed.status().message());
  nlohmann::json out = RuleJson(**rule, now);
  return ApiReply{200,
                  {{"sender", from},
                   {"active_now", out["active_now"]},
                   {"activity", out["activity"]},
                   {"subject", plan.subject},
                   {"text", plan.text_body},
                   {"html", plan.html_body},
                   {"message", DecodedMessagePreview(composed->message)}}};
}

}  // namespace ar
