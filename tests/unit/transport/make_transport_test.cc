#include <gtest/gtest.h>

#include "transport/transport.h"

namespace ar {
namespace {

TEST(MakeTransport, BuildsSendmailAndSmtp) {
  TransportSettings settings;
  EXPECT_TRUE(MakeTransport(settings).ok());
  settings.kind = "smtp";
  EXPECT_TRUE(MakeTransport(settings).ok());
}

TEST(MakeTransport, RejectsBadSettings) {
  TransportSettings unknown;
  unknown.kind = "carrier-pigeon";
  EXPECT_FALSE(MakeTransport(unknown).ok());

  TransportSettings relative;
  relative.sendmail_path = "sendmail";
  EXPECT_FALSE(MakeTransport(relative).ok());

  TransportSettings port;
  port.kind = "smtp";
  port.smtp_port = 70000;
  EXPECT_FALSE(MakeTransport(port).ok());

  TransportSettings helo;
  helo.kind = "smtp";
  helo.helo_name = "mx.example.com\r\nMAIL FROM:<x>";
  EXPECT_FALSE(MakeTransport(helo).ok());

  TransportSettings timeout;
  timeout.timeout = Seconds(0);
  EXPECT_FALSE(MakeTransport(timeout).ok());
}

}  // namespace
}  // namespace ar
