#include "message/sub_address.h"

#include "message/address.h"

namespace ar {

std::string FoldSubAddress(std::string_view address, std::string_view delimiters) {
  const size_t at = address.rfind('@');
  const std::string_view local = address.substr(0, at);
  const size_t cut = delimiters.empty() ? std::string_view::npos : local.find_first_of(delimiters);
  if (cut == std::string_view::npos || cut == 0) return NormalizeAddress(address);
  std::string folded(local.substr(0, cut));
  if (at != std::string_view::npos) folded.append(address.substr(at));
  return NormalizeAddress(folded);
}

}  // namespace ar
