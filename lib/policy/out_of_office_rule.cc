#include "policy/out_of_office_rule.h"

namespace ar {

std::vector<std::string> OutOfOfficeRule::AllAddresses() const {
  std::vector<std::string> all;
  all.reserve(1 + aliases.size());
  all.push_back(address);
  all.insert(all.end(), aliases.begin(), aliases.end());
  return all;
}

}  // namespace ar
