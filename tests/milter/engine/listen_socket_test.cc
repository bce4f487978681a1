// OpenListenSocket on real sockets: every spelling of milter_socket, stale
// and foreign files at a UNIX path, and the specs it must refuse.
#include "milter/engine/listen_socket.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ar::milter_engine {
namespace {

// A port nobody listens on now: bound to 0, read back, closed.
int FreePort(int family) {
  int fd = socket(family, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_storage address{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *in;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    length = sizeof *in6;
  }
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&address)->sin_port
                                   : reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  close(fd);
  return port;
}

bool ConnectsInet(int family, int port) {
  int fd = socket(family, SOCK_STREAM, 0);
  sockaddr_storage address{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *in;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    in6->sin6_addr = in6addr_loopback;
    length = sizeof *in6;
  }
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), length) == 0;
  close(fd);
  return ok;
}

bool ConnectsUnix(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

class ListenSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("listen_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    for (int fd : open_) close(fd);
    std::filesystem::remove_all(dir_);
  }
  // Opens spec, keeping the descriptor for TearDown.
  Result<ListenSocket> Open(const std::string& spec) {
    Result<ListenSocket> listener = OpenListenSocket(spec);
    if (listener.ok()) open_.push_back(listener->fd);
    return listener;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  std::vector<int> open_;
};

TEST_F(ListenSocketTest, InetOnLoopbackAcceptsConnections) {
  const int port = FreePort(AF_INET);
  ASSERT_GT(port, 0);
  auto listener = Open("inet:" + std::to_string(port) + "@127.0.0.1");
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  EXPECT_TRUE(listener->unix_path.empty());
  EXPECT_TRUE(ConnectsInet(AF_INET, port));
  // Non-blocking: the event loop must never wait in accept().
  EXPECT_NE(fcntl(listener->fd, F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(fcntl(listener->fd, F_GETFD) & FD_CLOEXEC, 0);
}

TEST_F(ListenSocketTest, Inet6OnLoopbackAcceptsConnections) {
  const int port = FreePort(AF_INET6);
  if (port <= 0) GTEST_SKIP() << "no IPv6 loopback on this host";
  auto listener = Open("inet6:" + std::to_string(port) + "@[::1]");
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  EXPECT_TRUE(ConnectsInet(AF_INET6, port));
}

TEST_F(ListenSocketTest, UnixLocalAndBarePathsListen) {
  for (const std::string& spec :
       {"unix:" + Path("a.sock"), "local:" + Path("b.sock"), Path("c.sock")}) {
    auto listener = Open(spec);
    ASSERT_TRUE(listener.ok()) << spec << ": " << listener.status().ToString();
    EXPECT_EQ(listener->unix_path, spec.substr(spec.find('/')));
    EXPECT_TRUE(ConnectsUnix(listener->unix_path)) << spec;
  }
}

TEST_F(ListenSocketTest, StaleUnixSocketFromAnEarlierRunIsReplaced) {
  // A socket file whose listener is gone, as a killed milter leaves it.
  const std::string path = Path("milter.sock");
  auto earlier = OpenListenSocket("unix:" + path);
  ASSERT_TRUE(earlier.ok());
  close(earlier->fd);
  ASSERT_TRUE(std::filesystem::exists(path));
  auto listener = Open("unix:" + path);
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  EXPECT_TRUE(ConnectsUnix(path));
}

TEST_F(ListenSocketTest, FileThatIsNoSocketIsLeftAlone) {
  const std::string path = Path("notes.txt");
  std::ofstream(path) << "not a socket\n";
  auto listener = Open("unix:" + path);
  EXPECT_FALSE(listener.ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(path));
}

TEST_F(ListenSocketTest, StopRemovesTheUnixSocketItCreated) {
  const std::string path = Path("milter.sock");
  auto listener = Open("unix:" + path);
  ASSERT_TRUE(listener.ok());
  EXPECT_TRUE(RemoveUnixSocketFile(*listener));
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(RemoveUnixSocketFile(*listener));  // already gone
}

TEST_F(ListenSocketTest, StopLeavesASocketAnotherInstanceBoundSince) {
  const std::string path = Path("milter.sock");
  auto first = Open("unix:" + path);
  ASSERT_TRUE(first.ok());
  auto second = Open("unix:" + path);  // replaces the file: a new inode
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(RemoveUnixSocketFile(*first));
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(ConnectsUnix(path));
}

TEST_F(ListenSocketTest, InetSocketsHaveNoFileToRemove) {
  const int port = FreePort(AF_INET);
  auto listener = Open("inet:" + std::to_string(port) + "@127.0.0.1");
  ASSERT_TRUE(listener.ok());
  EXPECT_FALSE(RemoveUnixSocketFile(*listener));
}

TEST_F(ListenSocketTest, PortInUseIsAnIoError) {
  const int port = FreePort(AF_INET);
  const std::string spec = "inet:" + std::to_string(port) + "@127.0.0.1";
  auto first = Open(spec);
  ASSERT_TRUE(first.ok());
  auto second = Open(spec);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kIoError);
}

TEST_F(ListenSocketTest, BadSpecsAreRefusedWithoutListening) {
  const std::string too_long = "unix:/" + std::string(sizeof(sockaddr_un::sun_path), 'x');
  for (const std::string& spec :
       {std::string(""), std::string("milter.sock"), std::string("tcp:8894@127.0.0.1"),
        std::string("inet:"), std::string("inet:@127.0.0.1"), std::string("unix:"), too_long,
        std::string("inet:65536@127.0.0.1"), std::string("inet:70000@127.0.0.1"),
        std::string("inet6:99999999999@[::1]")}) {
    auto listener = Open(spec);
    ASSERT_FALSE(listener.ok()) << "'" << spec << "' must be refused";
    EXPECT_EQ(listener.status().code(), Status::Code::kInvalidArgument)
        << spec << ": " << listener.status().ToString();
  }
}

}  // namespace
}  // namespace ar::milter_engine
