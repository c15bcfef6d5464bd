#include "agent/enroll/controller_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/tls/server_name.h"

namespace dm {
namespace {

// A connected TCP socket, or Unavailable. Tries each resolved address in turn.
absl::StatusOr<int> ConnectTcp(const HostPort& target, absl::Duration timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  std::string port = std::to_string(target.port);
  if (int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &results); rc != 0) {
    return absl::UnavailableError(absl::StrCat("resolve ", target.host, ": ", gai_strerror(rc)));
  }
  std::string last_error = "no address";
  int connected = -1;
  for (addrinfo* ai = results; ai != nullptr && connected < 0; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      close(fd);
      continue;
    }
    pollfd pfd{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof(err);
    if (poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      last_error = err ? std::strerror(err) : "timed out";
      close(fd);
      continue;
    }
    // The handshake below is blocking, bounded by socket timeouts.
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    timeval tv{static_cast<time_t>(absl::ToInt64Seconds(timeout)), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    connected = fd;
  }
  freeaddrinfo(results);
  if (connected < 0) {
    return absl::UnavailableError(absl::StrCat("connect to ", target.ToString(), ": ", last_error));
  }
  return connected;
}

}  // namespace

absl::StatusOr<std::vector<Certificate>> FetchPresentedChain(const HostPort& controller,
                                                             absl::Duration timeout) {
  absl::StatusOr<int> fd = ConnectTcp(controller, timeout);
  if (!fd.ok()) return fd.status();

  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  // Verification happens afterwards, against the pinned fingerprint (see header).
  SSL_set_verify(ssl.get(), SSL_VERIFY_NONE, nullptr);
  SSL_set_tlsext_host_name(ssl.get(), kControllerServerName);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_set_alpn_protos(ssl.get(), kAlpn, sizeof(kAlpn));
  SSL_set_fd(ssl.get(), *fd);

  absl::StatusOr<std::vector<Certificate>> chain;
  if (SSL_connect(ssl.get()) != 1) {
    unsigned long err = ERR_get_error();
    char buf[256] = "handshake failed";
    if (err != 0) ERR_error_string_n(err, buf, sizeof(buf));
    chain = absl::UnavailableError(
        absl::StrCat("TLS handshake with ", controller.ToString(), " failed: ", buf));
  } else {
    std::vector<Certificate> certs;
    STACK_OF(X509)* presented = SSL_get_peer_cert_chain(ssl.get());
    for (int i = 0; presented != nullptr && i < sk_X509_num(presented); ++i) {
      X509* cert = sk_X509_value(presented, i);
      X509_up_ref(cert);
      certs.push_back(Certificate::Adopt(X509Ptr(cert)));
    }
    if (certs.empty()) {
      chain = absl::PermissionDeniedError(
          absl::StrCat(controller.ToString(), " presented no certificate"));
    } else {
      chain = std::move(certs);
    }
    SSL_shutdown(ssl.get());
  }
  ERR_clear_error();
  close(*fd);
  return chain;
}

absl::StatusOr<Certificate> PinnedCaFromChain(const std::vector<Certificate>& chain,
                                              const std::string& fingerprint) {
  if (chain.empty()) return absl::PermissionDeniedError("the controller presented no certificate");
  for (const Certificate& cert : chain) {
    if (cert.Fingerprint() != fingerprint) continue;
    if (!cert.IsSelfSigned()) {
      return absl::PermissionDeniedError(
          "the certificate matching the token's CA fingerprint is not a CA");
    }
    if (!chain[0].IsIssuedBy(cert)) {
      return absl::PermissionDeniedError(
          "the controller's certificate was not issued by the CA the token names");
    }
    return cert;
  }
  return absl::PermissionDeniedError(
      "the controller's CA does not match the fingerprint in the join token: refusing to enroll "
      "(wrong controller address, a controller whose data directory was reset, or a "
      "man-in-the-middle)");
}

}  // namespace dm
