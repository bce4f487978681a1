// milter_eom_client: plays the MTA's side of the milter protocol (version 6)
// against one milter socket, over S concurrent connections, and measures
// the end-of-message round trip: from sending SMFIC_BODYEOB to the final
// verdict. It honours what the filter negotiates (skipped steps are not
// sent, NR_* steps are not waited for), as Postfix does.
//
//   milter_eom_client --socket inet:PORT@HOST|unix:PATH --sessions S
//                     --messages N --rcpt ADDR[,ADDR...] [--tag T]
//
// Each connection sends its share of the N messages one after another. Every
// message has its own envelope sender (SENDER-T-CONN-I@remote.test), so a
// filter that answers each sender once answers every message; recipients are
// taken in turn from --rcpt and named in To:. Prints one key=value line:
// messages, seconds, eom_p50_us, eom_p99_us, eom_max_us, errors.
#include <arpa/inet.h>
#include <libmilter/mfdef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string socket;
  int sessions = 20;
  long messages = 1000;
  std::vector<std::string> rcpts;
  std::string tag = "t";
};

// One milter connection. Every method returns false on any I/O or protocol
// error; the caller then drops the connection.
class MilterConnection {
 public:
  ~MilterConnection() {
    if (fd_ >= 0) close(fd_);
  }

  bool Connect(const std::string& spec) {
    if (spec.rfind("unix:", 0) == 0) {
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      const std::string path = spec.substr(5);
      if (path.size() >= sizeof(addr.sun_path)) return false;
      std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
      fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
      return fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    if (spec.rfind("inet:", 0) != 0) return false;
    const std::string rest = spec.substr(5);
    const size_t at = rest.find('@');
    if (at == std::string::npos) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(std::atoi(rest.substr(0, at).c_str())));
    if (inet_pton(AF_INET, rest.substr(at + 1).c_str(), &addr.sin_addr) != 1) return false;
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }

  // Offers what Postfix offers: every action, every step flag and every
  // no-reply flag; keeps what the filter asks for.
  bool Negotiate() {
    const uint32_t offered_protocol = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT |
                                      SMFIP_NOBODY | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NR_HDR |
                                      SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_SKIP | SMFIP_NR_CONN |
                                      SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT |
                                      SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_EOH | SMFIP_NR_BODY;
    std::string body;
    Put32(body, 6);
    Put32(body, 0x1FF);
    Put32(body, offered_protocol);
    if (!Send(SMFIC_OPTNEG, body)) return false;
    char cmd;
    std::string reply;
    if (!Receive(cmd, reply) || cmd != SMFIC_OPTNEG || reply.size() < 12) return false;
    protocol_ = Get32(reply, 8);
    return true;
  }

  bool Has(uint32_t flag) const { return (protocol_ & flag) != 0; }

  bool Hello() {
    if (!Has(SMFIP_NOCONNECT)) {
      std::string c = "client.test";
      c.push_back('\0');
      c.push_back('4');
      c.push_back(static_cast<char>(0x30));  // port 12345, network order
      c.push_back(static_cast<char>(0x39));
      c += "127.0.0.1";
      c.push_back('\0');
      if (!Macros(SMFIC_CONNECT, {{"j", "mx.bench.test"}, {"{daemon_name}", "smtpd"}}) ||
          !Step(SMFIC_CONNECT, c, SMFIP_NR_CONN))
        return false;
    }
    if (!Has(SMFIP_NOHELO) && !Step(SMFIC_HELO, Z("client.test"), SMFIP_NR_HELO)) return false;
    return true;
  }

  // One message; eom_us gets the end-of-message round trip. Returns false
  // on error; ended_early is set when the filter accepted or rejected
  // before end of message (there is then no EOM figure).
  bool Message(const std::string& from, const std::string& to, const std::string& queue_id,
               long& eom_us, bool& ended_early) {
    ended_early = false;
    if (!Has(SMFIP_NOMAIL)) {
      if (!Macros(SMFIC_MAIL, {{"i", queue_id},
                               {"{mail_addr}", from},
                               {"{mail_mailer}", "smtp"},
                               {"{daemon_name}", "smtpd"}}) ||
          !StepOrEnd(SMFIC_MAIL, Z("<" + from + ">"), SMFIP_NR_MAIL, ended_early))
        return false;
      if (ended_early) return true;
    }
    if (!Has(SMFIP_NORCPT)) {
      if (!Macros(SMFIC_RCPT, {{"i", queue_id}, {"{rcpt_addr}", to}}) ||
          !StepOrEnd(SMFIC_RCPT, Z("<" + to + ">"), SMFIP_NR_RCPT, ended_early))
        return false;
      if (ended_early) return true;
    }
    if (!Has(SMFIP_NODATA)) {
      if (!StepOrEnd(SMFIC_DATA, "", SMFIP_NR_DATA, ended_early)) return false;
      if (ended_early) return true;
    }
    if (!Has(SMFIP_NOHDRS)) {
      const std::vector<std::pair<std::string, std::string>> headers = {
          {"From", "<" + from + ">"},
          {"To", "Bench User <" + to + ">"},
          {"Subject", "Meeting next week"},
          {"Date", "Mon, 23 Nov 2026 10:00:00 +0000"},
          {"Message-ID", "<" + queue_id + "@remote.test>"},
          {"MIME-Version", "1.0"},
          {"Content-Type", "text/plain; charset=utf-8"},
      };
      for (const auto& [name, value] : headers) {
        if (!StepOrEnd(SMFIC_HEADER, Z(name) + Z(value), SMFIP_NR_HDR, ended_early)) return false;
        if (ended_early) return true;
      }
    }
    if (!Has(SMFIP_NOEOH)) {
      if (!StepOrEnd(SMFIC_EOH, "", SMFIP_NR_EOH, ended_early)) return false;
      if (ended_early) return true;
    }
    if (!Has(SMFIP_NOBODY)) {
      std::string body;
      for (int i = 0; i < 16; ++i)
        body += "Could we move the meeting to Thursday? Line of body text here.\r\n";
      char verdict = 0;
      if (!Send(SMFIC_BODY, body)) return false;
      if (!Has(SMFIP_NR_BODY)) {
        if (!Verdict(verdict)) return false;
        if (verdict != SMFIR_CONTINUE && verdict != SMFIR_SKIP) {
          ended_early = true;
          return true;
        }
      }
    }
    if (!Macros(SMFIC_BODYEOB, {{"i", queue_id}})) return false;
    const auto sent = Clock::now();
    char verdict = 0;
    if (!Send(SMFIC_BODYEOB, "") || !Verdict(verdict)) return false;
    eom_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count();
    return true;
  }

  void Quit() { Send(SMFIC_QUIT, ""); }

 private:
  static std::string Z(const std::string& s) { return s + '\0'; }
  static void Put32(std::string& out, uint32_t v) {
    const uint32_t n = htonl(v);
    out.append(reinterpret_cast<const char*>(&n), 4);
  }
  static uint32_t Get32(const std::string& in, size_t at) {
    uint32_t n;
    std::memcpy(&n, in.data() + at, 4);
    return ntohl(n);
  }

  bool Macros(char command, const std::vector<std::pair<std::string, std::string>>& macros) {
    std::string body(1, command);
    for (const auto& [name, value] : macros) body += Z(name) + Z(value);
    return Send(SMFIC_MACRO, body);
  }

  // Sends one step and, unless the filter asked not to answer it, reads
  // the answer; any verdict but continue is an error here.
  bool Step(char command, const std::string& body, uint32_t noreply_flag) {
    bool ended = false;
    return StepOrEnd(command, body, noreply_flag, ended) && !ended;
  }

  bool StepOrEnd(char command, const std::string& body, uint32_t noreply_flag, bool& ended) {
    if (!Send(command, body)) return false;
    if (Has(noreply_flag)) return true;
    char verdict = 0;
    if (!Verdict(verdict)) return false;
    ended = verdict != SMFIR_CONTINUE;
    return true;
  }

  // Reads replies until a final one: modification requests (at end of
  // message) and progress notes come first.
  bool Verdict(char& verdict) {
    for (;;) {
      std::string reply;
      if (!Receive(verdict, reply)) return false;
      switch (verdict) {
        case SMFIR_PROGRESS:
        case SMFIR_ADDRCPT:
        case SMFIR_DELRCPT:
        case SMFIR_ADDRCPT_PAR:
        case SMFIR_REPLBODY:
        case SMFIR_CHGFROM:
        case SMFIR_ADDHEADER:
        case SMFIR_INSHEADER:
        case SMFIR_CHGHEADER:
        case SMFIR_QUARANTINE:
          continue;
        default:
          return true;
      }
    }
  }

  bool Send(char command, const std::string& body) {
    std::string packet;
    Put32(packet, static_cast<uint32_t>(body.size() + 1));
    packet.push_back(command);
    packet += body;
    size_t done = 0;
    while (done < packet.size()) {
      const ssize_t n = write(fd_, packet.data() + done, packet.size() - done);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool ReadFully(char* buffer, size_t length) {
    size_t done = 0;
    while (done < length) {
      const ssize_t n = read(fd_, buffer + done, length - done);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool Receive(char& command, std::string& body) {
    char header[4];
    if (!ReadFully(header, 4)) return false;
    uint32_t length;
    std::memcpy(&length, header, 4);
    length = ntohl(length);
    if (length == 0 || length > (1u << 20)) return false;
    std::string packet(length, '\0');
    if (!ReadFully(packet.data(), length)) return false;
    command = packet[0];
    body = packet.substr(1);
    return true;
  }

  int fd_ = -1;
  uint32_t protocol_ = 0;
};

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string v = argv[i + 1];
    if (name == "--socket") {
      o.socket = v;
    } else if (name == "--sessions") {
      o.sessions = std::atoi(v.c_str());
    } else if (name == "--messages") {
      o.messages = std::atol(v.c_str());
    } else if (name == "--tag") {
      o.tag = v;
    } else if (name == "--rcpt") {
      size_t start = 0;
      while (start <= v.size()) {
        const size_t comma = std::min(v.find(',', start), v.size());
        if (comma > start) o.rcpts.push_back(v.substr(start, comma - start));
        start = comma + 1;
      }
    } else {
      return false;
    }
  }
  return (argc % 2) == 1 && !o.socket.empty() && o.sessions > 0 && o.messages > 0 &&
         !o.rcpts.empty();
}

long Percentile(const std::vector<long>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: milter_eom_client --socket inet:PORT@HOST|unix:PATH --sessions S\n"
                 "       --messages N --rcpt ADDR[,ADDR...] [--tag T]\n");
    return 2;
  }
  std::mutex mutex;
  std::vector<long> latencies;
  latencies.reserve(static_cast<size_t>(o.messages));
  std::atomic<long> errors{0};
  std::atomic<long> early{0};
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < o.sessions; ++s) {
    threads.emplace_back([&, s] {
      const long share = o.messages / o.sessions + (s < o.messages % o.sessions ? 1 : 0);
      std::vector<long> mine;
      mine.reserve(static_cast<size_t>(share));
      MilterConnection conn;
      if (!conn.Connect(o.socket) || !conn.Negotiate() || !conn.Hello()) {
        errors += share;
        return;
      }
      for (long i = 0; i < share; ++i) {
        const std::string id = o.tag + "C" + std::to_string(s) + "M" + std::to_string(i);
        const std::string from =
            "sender-" + o.tag + "-" + std::to_string(s) + "-" + std::to_string(i) + "@remote.test";
        const std::string& to = o.rcpts[static_cast<size_t>(s + i * o.sessions) % o.rcpts.size()];
        long eom_us = 0;
        bool ended_early = false;
        if (!conn.Message(from, to, id, eom_us, ended_early)) {
          errors += share - i;
          return;
        }
        if (ended_early) {
          ++early;
        } else {
          mine.push_back(eom_us);
        }
      }
      conn.Quit();
      std::lock_guard<std::mutex> lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "messages=%zu seconds=%.3f eom_p50_us=%ld eom_p99_us=%ld eom_max_us=%ld early=%ld "
      "errors=%ld\n",
      latencies.size(), seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
      latencies.empty() ? 0L : latencies.back(), early.load(), errors.load());
  return errors.load() == 0 ? 0 : 1;
}
