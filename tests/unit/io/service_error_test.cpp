// Error bodies reduced to one line: HTML pages of proxies and Cloudflare (issue 12, class 8).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "synthgen/io/inference_api.hpp"

namespace synthgen {
namespace {

std::string recorded_body(const std::string& name) {
  std::ifstream in(std::string(SYNTHGEN_SOURCE_DIR) + "/tests/fixtures/real_shapes/" + name + ".json");
  return nlohmann::json::parse(in).at("body").get<std::string>();
}

TEST(ServiceErrorText, ProxyPageShowsItsTitle) {
  EXPECT_EQ(service_error_text(recorded_body("cloudflare_502_nginx_page")), "502 Bad Gateway");
}

TEST(ServiceErrorText, CloudflarePageShowsItsTitleNotItsMarkup) {
  const auto page = recorded_body("cloudflare_504_error_page");
  ASSERT_GT(page.size(), 2000u);
  EXPECT_EQ(service_error_text(page), "router.example.org | 504: Gateway time-out");
}

TEST(ServiceErrorText, PageWithoutTitleShowsItsFirstWords) {
  const auto text = service_error_text(
      "<!DOCTYPE html><html><head><style>p{color:red}</style><script>var x = '<b>';</script></head>"
      "<body><!-- a comment --><h1>Service   Unavailable</h1>\n<p>The server is busy &amp; cannot answer.</p></body></html>");
  EXPECT_EQ(text, "Service Unavailable The server is busy & cannot answer.");
  EXPECT_EQ(text.find('<'), std::string::npos);
}

TEST(ServiceErrorText, LongPageTextIsCut) {
  const auto text = service_error_text("<html><body><p>" + std::string(5000, 'x') + "</p></body></html>");
  EXPECT_LE(text.size(), 170u);
}

TEST(ServiceErrorText, EmptyPageAndNonHtmlText) {
  EXPECT_EQ(service_error_text("<html><head></head><body></body></html>"), "an HTML page without text");
  EXPECT_EQ(service_error_text("Internal Server Error"), "Internal Server Error");
  EXPECT_EQ(service_error_text("a < b > c"), "a < b > c") << "text that merely holds brackets is left as it is";
}

}  // namespace
}  // namespace synthgen
