// A /24 and bridge name for one test's local servers, claimed for as long as the test runs so
// that parallel tests (ctest -j) never share one: two tests on one bridge would tear down each
// other's network. The claim is an flock on a file per subnet, released by the kernel when the
// holder exits, so a test killed by its timeout leaves nothing claimed.
#ifndef DM_TESTS_HARNESS_TEST_NETWORK_H_
#define DM_TESTS_HARNESS_TEST_NETWORK_H_

#include <string>

namespace dm::testing {

class TestNetwork {
 public:
  // Claims a free subnet 10.231.N.0/24 (N in 20..219; the benchmarks use 250 and up) with the
  // bridge "dmtN". Aborts the test binary if none is free, which means something is leaking.
  TestNetwork();
  ~TestNetwork();
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  const std::string& bridge() const { return bridge_; }
  const std::string& subnet() const { return subnet_; }  // "10.231.N"

 private:
  int lock_fd_ = -1;
  std::string bridge_, subnet_;
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_TEST_NETWORK_H_
