// Shared set-up for the HTTP tests of autoresponder-web: a temporary store,
// a fixed clock, a capturing logger and a WebServer on a free port of
// 127.0.0.1 served by a thread of the test, plus a small JSON client.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/options_table.h"
#include "core/logger.h"
#include "store/store.h"
#include "web/web_server.h"

namespace ar {

// 2026-12-01T12:00:00Z
inline constexpr int64_t kTestNow = 1'796'126'400;

struct JsonResponse {
  int status = 0;
  nlohmann::json body;
  std::string set_cookie;
};

class WebTestServer {
 public:
  // configure: changes the defaults before the server starts.
  WebTestServer(const std::function<void(Config&)>& configure, PasswordVerifier* verifier)
      : clock_(FromUnixSeconds(kTestNow)) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("web-" + std::string(info->test_suite_name()) + "-" + info->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    config_ = DefaultConfig();
    config_.store.path = (root_ / "store").string();
    config_.store.map_size = 16ull << 20;
    config_.compose.hostname = "mail.example.org";
    config_.web.cookie_secure = false;
    configure(config_);
    auto store = Store::Open(config_.store);
    if (!store.ok()) throw std::runtime_error(store.status().ToString());
    store_ = std::move(*store);
    server_ = std::make_unique<WebServer>(config_, *store_, clock_, logger_, verifier);
    auto port = server_->Bind("127.0.0.1", 0);
    if (!port.ok()) throw std::runtime_error(port.status().ToString());
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
    httplib::Client probe("127.0.0.1", port_);
    for (int i = 0; i < 200 && !probe.Get("/"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~WebTestServer() {
    server_->Stop();
    thread_.join();
    server_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  // One request; headers as given (cookie, CSRF token, proxy header).
  JsonResponse Call(const std::string& method, const std::string& path,
                    const httplib::Headers& headers = {}, const std::string& body = "") {
    httplib::Client client("127.0.0.1", port_);
    httplib::Result result = method == "GET"      ? client.Get(path, headers)
                             : method == "DELETE" ? client.Delete(path, headers)
                             : method == "PUT"    ? client.Put(path, headers, body, "application/json")
                                                  : client.Post(path, headers, body,
                                                                "application/json");
    JsonResponse response;
    if (!result) {
      ADD_FAILURE() << method << " " << path << ": no response";
      return response;
    }
    response.status = result->status;
    response.body = nlohmann::json::parse(result->body, nullptr, false);
    response.set_cookie = result->get_header_value("Set-Cookie");
    return response;
  }

  Config& config() { return config_; }
  ManualClock& clock() { return clock_; }
  CapturingLogger& logger() { return logger_; }
  Store& store() { return *store_; }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  Config config_;
  ManualClock clock_;
  CapturingLogger logger_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<WebServer> server_;
  int port_ = 0;
  std::thread thread_;
};

// "ar_session=ID" out of a Set-Cookie value.
inline std::string SessionCookie(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

}  // namespace ar
