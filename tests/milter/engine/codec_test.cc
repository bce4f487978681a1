#include "milter/engine/codec.h"

#include <gtest/gtest.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "milter/engine/negotiation.h"
#include "milter_bytes.h"

namespace ar::milter_engine {
namespace {

using testing::Strings;
using testing::Uint32;

TEST(Codec, OptionRequestNeedsTwelveBytes) {
  auto r = DecodeOptionRequest(Uint32(6) + Uint32(0x1ff) + Uint32(0x1fffff));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->version, 6u);
  EXPECT_EQ(r->actions, 0x1ffu);
  EXPECT_EQ(r->steps, 0x1fffffu);
  EXPECT_FALSE(DecodeOptionRequest(Uint32(6) + Uint32(1)).has_value());
}

TEST(Codec, MacrosArePairsForAStage) {
  auto m = DecodeMacros("M" + Strings({"{mail_mailer}", "smtp", "i", "4XyZ"}));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->stage, 'M');
  ASSERT_EQ(m->macros.size(), 2u);
  EXPECT_EQ(m->macros[0].first, "{mail_mailer}");
  EXPECT_EQ(m->macros[1].second, "4XyZ");
  EXPECT_FALSE(DecodeMacros("").has_value());
  EXPECT_FALSE(DecodeMacros("Mno-nul").has_value());
  EXPECT_TRUE(DecodeMacros("C")->macros.empty());
}

TEST(Codec, StringsMustEndInNul) {
  auto s = DecodeStrings(Strings({"<a@x>", "SIZE=10"}));
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0], "<a@x>");
  EXPECT_EQ((*s)[1], "SIZE=10");
  EXPECT_FALSE(DecodeStrings("<a@x>").has_value());
  EXPECT_FALSE(DecodeStrings("").has_value());
}

TEST(Codec, HeaderIsExactlyNameAndValue) {
  auto h = DecodeHeader(Strings({"Subject", "hello"}));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->first, "Subject");
  EXPECT_EQ(h->second, "hello");
  EXPECT_FALSE(DecodeHeader(Strings({"Subject"})).has_value());
  EXPECT_FALSE(DecodeHeader(Strings({"a", "b", "c"})).has_value());
  EXPECT_FALSE(DecodeHeader(std::string("Subject\0hello", 13)).has_value());
}

TEST(Codec, ConnectInfo) {
  auto c =
      DecodeConnect(std::string("mx.example\0"
                                "4\x00\x19"
                                "192.0.2.1\0",
                                24));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->hostname, "mx.example");
  EXPECT_EQ(c->family, '4');
  EXPECT_EQ(c->port, 25);
  EXPECT_EQ(c->address, "192.0.2.1");
  EXPECT_TRUE(DecodeConnect(std::string("h\0U", 3)).has_value());
  EXPECT_FALSE(DecodeConnect("h").has_value());
}

TEST(Codec, RepliesAreLengthCodeData) {
  std::string out;
  EncodeReply(SMFIR_CONTINUE, {}, &out);
  EXPECT_EQ(out, Uint32(1) + "c");
  out.clear();
  EncodeDeleteRecipient("<a@x>", &out);
  EXPECT_EQ(out, Uint32(7) + "-<a@x>" + std::string(1, '\0'));
  out.clear();
  EncodeOptionReply(6, 8, 0x40, {{SMFIM_EOM, "i"}}, &out);
  EXPECT_EQ(out, Uint32(1 + 12 + 4 + 2) + "O" + Uint32(6) + Uint32(8) + Uint32(0x40) +
                     Uint32(SMFIM_EOM) + std::string("i\0", 2));
}

TEST(Negotiation, AsksOnlyWhatTheMtaOffersAndWeUse) {
  const OptionRequest postfix{6, 0x1ff, 0x1fffff};
  auto ours = Negotiate(postfix, /*reads_body=*/false);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->version, 6u);
  EXPECT_EQ(ours->actions, uint32_t{SMFIF_DELRCPT | SMFIF_SETSYMLIST});
  const uint32_t want = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA |
                        SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;
  EXPECT_EQ(ours->steps, want);
  // Every stage is named: an unnamed one would get the MTA's whole list.
  const std::vector<std::pair<uint32_t, std::string>> macros = {
      {SMFIM_CONNECT, "{ar_none}"},
      {SMFIM_HELO, "{ar_none}"},
      {SMFIM_ENVFROM, "{mail_mailer} {client_addr} {auth_authen}"},
      {SMFIM_ENVRCPT, "{ar_none}"},
      {SMFIM_DATA, "{ar_none}"},
      {SMFIM_EOH, "{ar_none}"},
      {SMFIM_EOM, "i"}};
  EXPECT_EQ(ours->macros, macros);
  EXPECT_EQ(ours->macros, RequestedMacros());

  auto body = Negotiate(postfix, /*reads_body=*/true);
  EXPECT_EQ(body->steps & SMFIP_NOBODY, 0u);
  EXPECT_NE(body->steps & SMFIP_SKIP, 0u);
}

TEST(Negotiation, OldOrStingyMtas) {
  // Version 2 with no step bits offered: nothing skipped, no macro lists.
  auto v2 = Negotiate(OptionRequest{2, SMFIF_DELRCPT, 0}, false);
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(v2->version, 2u);
  EXPECT_EQ(v2->steps, 0u);
  EXPECT_TRUE(v2->macros.empty());
  EXPECT_EQ(v2->actions, uint32_t{SMFIF_DELRCPT});
  // No SETSYMLIST offered: no macro lists.
  EXPECT_TRUE(Negotiate(OptionRequest{6, SMFIF_DELRCPT, 0x1fffff}, false)->macros.empty());
  EXPECT_FALSE(Negotiate(OptionRequest{1, 0, 0}, false).has_value());
  // A newer MTA gets our version.
  EXPECT_EQ(Negotiate(OptionRequest{7, 0, 0}, false)->version, 6u);
}

}  // namespace
}  // namespace ar::milter_engine
