// Bug: after answering SMFIR_SKIP to one body chunk, the event engine
// answered the chunks the MTA had already sent behind it with CONTINUE
// (libmilter answers each of them SKIP), so the MTA read replies out of step.
// Fixed in milter/engine/protocol_connection.cc: every chunk after the first
// skip of a message is answered skip.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/protocol_connection_fixture.h"

namespace ar::milter_engine {
namespace {

TEST_F(ProtocolConnectionTest, EveryChunkAfterSkipIsSkipped) {
  // An MTA may have sent several chunks before it reads the first skip;
  // libmilter answers each of them skip, and so do we.
  recorder_->reads_body = true;
  Negotiated();
  std::string out = Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "a") +
                         Packet(SMFIC_BODY, "b") + Packet(SMFIC_BODY, "c"));
  EXPECT_EQ(out, Packet(SMFIR_SKIP) + Packet(SMFIR_SKIP) + Packet(SMFIR_SKIP));
  // The next message starts without the skip.
  recorder_->wants_body = true;
  out = Feed(Packet(SMFIC_MAIL, Strings({"<s@x>"})) + Packet(SMFIC_BODY, "d"));
  EXPECT_EQ(out, Continue());
}

}  // namespace
}  // namespace ar::milter_engine
