// The signer against AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite, as
// listed in docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html): request, date
// and credentials from each case's context, the Authorization header it publishes. Together with
// S3's documented examples (object_store_test.cc), which go through the same signer.
#include "controller/providers/aws/sigv4.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace dm {
namespace {

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SuiteCase {
  const char* name;
  const char* method;
  const char* path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host and X-Amz-Date
  const char* signed_headers;
  const char* signature;
};

class SigV4SuiteTest : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SigV4SuiteTest, SignsAsTheSuitePublishes) {
  const SuiteCase& c = GetParam();
  SigV4Request request;
  request.method = c.method;
  request.path = c.path;
  request.query = c.query;
  request.headers = c.headers;
  request.headers.push_back({"Host", "example.amazonaws.com"});
  request.payload_sha256 = kEmptySha256;
  SigV4Key key{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"};
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2015, 8, 30, 12, 36, 0), absl::UTCTimeZone());
  SigV4Signature s = SignV4(request, key, now);
  EXPECT_EQ(s.amz_date, "20150830T123600Z");
  EXPECT_EQ(s.authorization,
            absl::StrCat("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                         "aws4_request, SignedHeaders=",
                         c.signed_headers, ", Signature=", c.signature))
      << s.canonical_request;
}

INSTANTIATE_TEST_SUITE_P(
    AwsSuite, SigV4SuiteTest,
    ::testing::Values(
        SuiteCase{"get_vanilla",
                  "GET",
                  "/",
                  {},
                  {},
                  "host;x-amz-date",
                  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
        SuiteCase{"post_vanilla",
                  "POST",
                  "/",
                  {},
                  {},
                  "host;x-amz-date",
                  "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
        SuiteCase{"get_vanilla_query_order_key_case",
                  "GET",
                  "/",
                  {{"Param2", "value2"}, {"Param1", "value1"}},
                  {},
                  "host;x-amz-date",
                  "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
        SuiteCase{"get_vanilla_utf8_query",
                  "GET",
                  "/",
                  {{"\xe1\x88\xb4", "bar"}},
                  {},
                  "host;x-amz-date",
                  "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
        SuiteCase{"get_unreserved",
                  "GET",
                  "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                  {},
                  {},
                  "host;x-amz-date",
                  "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
        SuiteCase{"get_utf8",
                  "GET",
                  "/%E1%88%B4",
                  {},
                  {},
                  "host;x-amz-date",
                  "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
        SuiteCase{"post_header_key_sort",
                  "POST",
                  "/",
                  {},
                  {{"My-Header1", "value1"}},
                  "host;my-header1;x-amz-date",
                  "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
        SuiteCase{"post_header_value_case",
                  "POST",
                  "/",
                  {},
                  {{"My-Header1", "VALUE1"}},
                  "host;my-header1;x-amz-date",
                  "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
        SuiteCase{"get_header_value_trim",
                  "GET",
                  "/",
                  {},
                  {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
                  "host;my-header1;my-header2;x-amz-date",
                  "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dm
