// Sub-addresses ("victim+anything@example.org"): many MTAs (Postfix's
// recipient_delimiter, Exim's local_part_suffix, Sendmail's +detail) deliver
// every such address to one mailbox, so per-person limits count them as one.
#pragma once

#include <string>
#include <string_view>

namespace ar {

// The address with its sub-address removed, then normalised
// (NormalizeAddress, so lower case): the local part is cut at the first
// character that is one of delimiters ("+" by default; several characters
// are each a delimiter, as in Postfix; empty disables the cut). A local part
// that starts with a delimiter is kept whole, as Postfix does, since cutting
// would leave no mailbox name. An address without '@' is cut the same way.
std::string FoldSubAddress(std::string_view address, std::string_view delimiters);

}  // namespace ar
