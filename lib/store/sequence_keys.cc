#include "store/sequence_keys.h"

#include "message/address.h"

namespace ar {

Status ValidatePerson(std::string_view person) {
  if (person.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("person contains NUL");
  }
  if (NormalizeAddress(person).empty()) return Status::InvalidArgument("person is empty");
  return Status::Ok();
}

Status ValidateSequenceName(std::string_view sequence) {
  if (sequence.empty()) return Status::InvalidArgument("sequence name is empty");
  if (sequence.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("sequence name contains NUL");
  }
  return Status::Ok();
}

std::string EncodeSequenceVersionKey(std::string_view name, std::string_view version) {
  std::string key(name);
  key.push_back('\0');
  key += version;
  return key;
}

std::string EncodePersonKey(std::string_view person) { return NormalizeAddress(person); }

std::string EncodeEnrolmentPrefix(std::string_view person) {
  std::string key = NormalizeAddress(person);
  key.push_back('\0');
  return key;
}

std::string EncodeEnrolmentKey(std::string_view person, std::string_view sequence) {
  std::string key = EncodeEnrolmentPrefix(person);
  key += sequence;
  return key;
}

std::string EncodeTriggerSeenKey(std::string_view message_id, std::string_view sequence,
                                 size_t max_key_size) {
  const size_t room = max_key_size > sequence.size() + 1 ? max_key_size - sequence.size() - 1 : 0;
  std::string key(message_id.substr(0, room));
  key.push_back('\0');
  key += sequence;
  return key;
}

std::string EncodeEnrolWindowKey(std::string_view scope, std::string_view sequence,
                                 std::string_view source, size_t max_key_size) {
  std::string key;
  key.reserve(scope.size() + sequence.size() + source.size() + 2);
  key.append(scope);
  key.push_back('\0');
  key.append(sequence);
  key.push_back('\0');
  key.append(source);
  if (key.size() > max_key_size) key.resize(max_key_size);
  return key;
}

}  // namespace ar
