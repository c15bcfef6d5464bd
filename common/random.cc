#include "common/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>

namespace dm {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();
  }
  return out;
}

std::string RandomToken(size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr unsigned kSize = sizeof(kAlphabet) - 1;  // 36
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (unsigned char b : RandomBytes(n)) {
      // Rejection sampling keeps every character equally likely: 252 = 7 * 36.
      if (b >= 252) continue;
      out.push_back(kAlphabet[b % kSize]);
      if (out.size() == n) break;
    }
  }
  return out;
}

uint64_t RandomUint64() {
  std::string bytes = RandomBytes(sizeof(uint64_t));
  uint64_t v;
  std::memcpy(&v, bytes.data(), sizeof(v));
  return v;
}

}  // namespace dm
