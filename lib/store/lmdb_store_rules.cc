// LmdbStore: out-of-office rules and the address index (FORMAT.md, "rules"
// and "addresses").
#include <algorithm>

#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/status_macros.h"

namespace ar {

namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The normalised primary address followed by the normalised aliases.
std::vector<std::string> IndexedAddresses(const OutOfOfficeRule& rule) {
  std::vector<std::string> out{NormalizeAddress(rule.address)};
  for (const std::string& alias : rule.aliases) {
    std::string key = NormalizeAddress(alias);
    if (!key.empty() && !Contains(out, key)) out.push_back(std::move(key));
  }
  return out;
}

}  // namespace

Result<std::optional<OutOfOfficeRule>> LmdbStore::ReadRule(LmdbTxn& txn, const std::string& key) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.rules, key));
  if (!bytes) return std::optional<OutOfOfficeRule>();
  AR_ASSIGN_OR_RETURN(OutOfOfficeRule rule, DecodeRule(*bytes));
  return std::optional<OutOfOfficeRule>(std::move(rule));
}

Status LmdbStore::PutRule(const OutOfOfficeRule& input) {
  for (const std::string& alias : input.aliases) {
    if (NormalizeAddress(alias).empty()) return Status::InvalidArgument("rule has an empty alias");
  }
  // The stored rule is the normalised one, so that what GetRule returns is
  // exactly what the index knows.
  OutOfOfficeRule rule = input;
  std::vector<std::string> addresses = IndexedAddresses(input);
  rule.address = addresses.front();
  rule.aliases.assign(addresses.begin() + 1, addresses.end());
  for (const std::string& address : addresses) {
    AR_RETURN_IF_ERROR(CheckKey(address, "rule address"));
  }

  return Write("PutRule", [&](LmdbTxn& txn) -> Status {
    for (const std::string& address : addresses) {
      AR_ASSIGN_OR_RETURN(std::optional<std::string_view> owner, txn.Get(dbs_.addresses, address));
      if (owner && *owner != rule.address) {
        return Status::InvalidArgument(address + " already belongs to the rule of " +
                                       std::string(*owner));
      }
    }
    // Re-putting a rule drops the aliases it no longer has.
    AR_ASSIGN_OR_RETURN(std::optional<OutOfOfficeRule> old, ReadRule(txn, rule.address));
    if (old) {
      for (const std::string& address : IndexedAddresses(*old)) {
        if (Contains(addresses, address)) continue;
        Status s = txn.Delete(dbs_.addresses, address);
        if (!s.ok() && !s.IsNotFound()) return s;
      }
    }
    for (const std::string& address : addresses) {
      AR_RETURN_IF_ERROR(txn.Put(dbs_.addresses, address, rule.address));
    }
    AR_RETURN_IF_ERROR(txn.Put(dbs_.rules, rule.address, EncodeRule(rule)));
    return Status::Ok();
  });
}

Result<std::optional<OutOfOfficeRule>> LmdbStore::GetRule(const std::string& address) {
  std::string key = NormalizeAddress(address);
  if (key.empty() || key.size() > env_->max_key_size()) return std::optional<OutOfOfficeRule>();
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  return ReadRule(txn, key);
}

Result<std::vector<OutOfOfficeRule>> LmdbStore::ListRules() {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.rules));
  std::vector<OutOfOfficeRule> rules;
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
  while (entry) {
    AR_ASSIGN_OR_RETURN(OutOfOfficeRule rule, DecodeRule(entry->value));
    rules.push_back(std::move(rule));
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return rules;
}

Status LmdbStore::DeleteRule(const std::string& address) {
  std::string key = NormalizeAddress(address);
  if (key.empty() || key.size() > env_->max_key_size()) {
    return Status::NotFound("no rule for " + address);
  }
  return Write("DeleteRule", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(std::optional<OutOfOfficeRule> rule, ReadRule(txn, key));
    if (!rule) return Status::NotFound("no rule for " + address);
    for (const std::string& indexed : IndexedAddresses(*rule)) {
      // Only entries that still point here: never unindex another rule's address.
      AR_ASSIGN_OR_RETURN(std::optional<std::string_view> owner, txn.Get(dbs_.addresses, indexed));
      if (owner && *owner == key) AR_RETURN_IF_ERROR(txn.Delete(dbs_.addresses, indexed));
    }
    AR_RETURN_IF_ERROR(txn.Delete(dbs_.rules, key));
    return Status::Ok();
  });
}

Result<std::vector<OutOfOfficeRule>> LmdbStore::ReadRulesForRecipients(
    LmdbTxn& txn, const std::vector<std::string>& recipients) {
  std::vector<std::string> seen;
  std::vector<OutOfOfficeRule> rules;
  for (const std::string& recipient : recipients) {
    std::string key = NormalizeAddress(recipient);
    if (key.empty() || key.size() > env_->max_key_size()) continue;  // cannot be indexed
    AR_ASSIGN_OR_RETURN(std::optional<std::string_view> owner, txn.Get(dbs_.addresses, key));
    if (!owner) continue;
    std::string primary(*owner);
    if (Contains(seen, primary)) continue;
    AR_ASSIGN_OR_RETURN(std::optional<OutOfOfficeRule> rule, ReadRule(txn, primary));
    if (!rule) {
      return Status::Corruption("address index maps " + key + " to missing rule " + primary);
    }
    seen.push_back(std::move(primary));
    rules.push_back(std::move(*rule));
  }
  return rules;
}

Result<std::vector<OutOfOfficeRule>> LmdbStore::FindRulesForRecipients(
    const std::vector<std::string>& recipients) {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  return ReadRulesForRecipients(txn, recipients);
}

Result<RulesWithResponses> LmdbStore::FindRulesWithResponses(
    const std::vector<std::string>& recipients, const std::string& dedupe_sender) {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  RulesWithResponses out;
  AR_ASSIGN_OR_RETURN(out.rules, ReadRulesForRecipients(txn, recipients));
  for (const OutOfOfficeRule& rule : out.rules) {
    std::optional<ResponseRecord> response;
    const std::string response_key = EncodeResponseKey(rule.address, dedupe_sender);
    if (response_key.size() <= env_->max_key_size()) {
      auto read = ReadResponse(txn, response_key);
      if (read.ok()) response = *read;
    }
    out.responses.push_back(response);
  }
  return out;
}

}  // namespace ar
