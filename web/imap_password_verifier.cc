#include "web/imap_password_verifier.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace ar {

namespace {

// Names and passwords go into an IMAP command; curl quotes them, but no
// line break or NUL may reach the wire, and nothing longer than a person
// would type.
bool IsUsable(const std::string& text) {
  return !text.empty() && text.size() <= 512 &&
         std::none_of(text.begin(), text.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

size_t DiscardBody(char*, size_t size, size_t count, void*) { return size * count; }

// imap://127.0.0.1, imap://[::1]:143, imap://localhost: the password never
// leaves the host, so plain IMAP is acceptable there; anywhere else the
// password must not cross the network in clear, so STARTTLS is required
// (a stripped STARTTLS offer fails the login instead of leaking it).
bool IsLoopbackUrl(const std::string& url) {
  const size_t start = url.find("://");
  if (start == std::string::npos) return false;
  std::string host = url.substr(start + 3);
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') == std::string::npos ? 0 : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

}  // namespace

ImapPasswordVerifier::ImapPasswordVerifier(std::string server_url, Seconds timeout)
    : server_url_(std::move(server_url)), timeout_(timeout) {
  // Idempotent after the first call; must run before threads use curl.
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

Result<bool> ImapPasswordVerifier::Verify(const std::string& name, const std::string& password) {
  if (!IsUsable(name) || !IsUsable(password)) return false;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::IoError("curl_easy_init failed");
  CURL* c = curl.get();
  // The server's root: LOGIN, then curl's default LIST of the top level
  // (answers nothing we keep), then LOGOUT.
  const std::string url = server_url_ + "/";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(c, CURLOPT_USERNAME, name.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  // The LOGIN command (or AUTHENTICATE PLAIN when the server insists).
  curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, "AUTH=*");
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(IsLoopbackUrl(server_url_)
                                                              ? CURLUSESSL_TRY
                                                              : CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DiscardBody);
  const CURLcode result = curl_easy_perform(c);
  if (result == CURLE_OK) return true;
  if (result == CURLE_LOGIN_DENIED) return false;
  return Status::IoError(std::string("IMAP server ") + server_url_ + ": " +
                         curl_easy_strerror(result));
}

}  // namespace ar
