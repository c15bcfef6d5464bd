// Cryptographically secure randomness (OpenSSL's RAND_bytes) for ids, secrets and serials.
#ifndef DM_COMMON_RANDOM_H_
#define DM_COMMON_RANDOM_H_

#include <cstdint>
#include <string>

namespace dm {

// `n` random bytes. Aborts if the system has no entropy source: nothing safe can continue.
std::string RandomBytes(size_t n);

// `n` random characters from [a-z0-9], for ids and secrets that survive copy and paste.
std::string RandomToken(size_t n);

uint64_t RandomUint64();

}  // namespace dm

#endif  // DM_COMMON_RANDOM_H_
