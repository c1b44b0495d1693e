// The Git LFS batch request and answer as huggingface_hub's lfs.py sends and reads them
// (post_lfs_batch_info, _validate_batch_actions, _validate_batch_error), and the streamed file digest.
#include "synthgen/io/hub_lfs.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "synthgen/io/digest.hpp"

namespace synthgen {
namespace {

const std::string oid_a(64, 'a');
const std::string oid_b(64, 'b');

TEST(HubLfs, BatchBodyAsksToUploadEachObjectOnTheRevision) {
  const std::vector<LfsObject> objects{{"data/train.csv", oid_a, 1000}, {"data/test.csv", oid_b, 20}};
  const auto body = nlohmann::json::parse(lfs_batch_body(objects, "refs/pr/1"));
  const nlohmann::json expected{{"operation", "upload"},
                                {"transfers", {"basic"}},
                                {"objects", {{{"oid", oid_a}, {"size", 1000}}, {{"oid", oid_b}, {"size", 20}}}},
                                {"hash_algo", "sha256"},
                                {"ref", {{"name", "refs/pr/1"}}}};
  EXPECT_EQ(body, expected);
}

TEST(HubLfs, AnswerWithUploadAndVerifyActions) {
  const auto answer = read_lfs_batch_answer(R"({"transfer":"basic","objects":[{"oid":")" + oid_a + R"(","size":1000,"actions":{
      "upload":{"href":"https://s3.example/bucket/x?X-Amz-Signature=s","header":{"x-amz-meta":"v"}},
      "verify":{"href":"https://hub/datasets/me/x.git/info/lfs/objects/verify"}}}]})");
  ASSERT_TRUE(answer.has_value()) << answer.error();
  ASSERT_EQ(answer->size(), 1u);
  const auto& object = answer->front();
  EXPECT_EQ(object.oid, oid_a);
  EXPECT_EQ(object.size, 1000u);
  ASSERT_TRUE(object.upload.has_value());
  EXPECT_EQ(object.upload->href, "https://s3.example/bucket/x?X-Amz-Signature=s");
  EXPECT_EQ(object.upload->header, (std::vector<std::pair<std::string, std::string>>{{"x-amz-meta", "v"}}));
  ASSERT_TRUE(object.verify.has_value());
  EXPECT_TRUE(object.verify->header.empty());
  EXPECT_FALSE(object.multipart);
  EXPECT_FALSE(object.error.has_value());
}

TEST(HubLfs, AnObjectWithoutActionsIsOnTheHubAlready) {
  const auto answer = read_lfs_batch_answer(R"({"objects":[{"oid":")" + oid_a + R"(","size":3}]})");
  ASSERT_TRUE(answer.has_value()) << answer.error();
  EXPECT_FALSE(answer->front().upload.has_value());
  EXPECT_FALSE(answer->front().verify.has_value());
  EXPECT_FALSE(answer->front().error.has_value());
}

TEST(HubLfs, AnObjectErrorIsReadWithItsCodeAndMessage) {
  const auto answer =
      read_lfs_batch_answer(R"({"objects":[{"oid":")" + oid_a + R"(","size":3,"error":{"code":422,"message":"too big"}}]})");
  ASSERT_TRUE(answer.has_value()) << answer.error();
  ASSERT_TRUE(answer->front().error.has_value());
  EXPECT_EQ(answer->front().error->first, 422);
  EXPECT_EQ(answer->front().error->second, "too big");
}

TEST(HubLfs, AMultipartUploadIsRecognisedByItsChunkSize) {
  const auto answer = read_lfs_batch_answer(R"({"objects":[{"oid":")" + oid_a +
                                            R"(","size":3,"actions":{"upload":{"href":"h","header":{"chunk_size":"5","00001":"u"}}}}]})");
  ASSERT_TRUE(answer.has_value()) << answer.error();
  EXPECT_TRUE(answer->front().multipart);
}

TEST(HubLfs, MalformedAnswersAreErrorsThatSayWhat) {
  EXPECT_EQ(read_lfs_batch_answer("{}").error(), "it has no objects list");
  EXPECT_EQ(read_lfs_batch_answer(R"({"objects":[{"oid":"x"}]})").error(), "an object has no oid or size");
  EXPECT_EQ(read_lfs_batch_answer(R"({"objects":[{"oid":"x","size":1,"error":{"message":"m"}}]})").error(),
            "object x has an error without code and message");
  EXPECT_EQ(read_lfs_batch_answer(R"({"objects":[{"oid":"x","size":1,"actions":{"upload":{"header":{}}}}]})").error(),
            "object x: its upload action has no href");
  // A header value that would inject a request line.
  EXPECT_FALSE(read_lfs_batch_answer(R"({"objects":[{"oid":"x","size":1,"actions":{"upload":{"href":"h","header":{"a":"b\r\nX: y"}}}}]})")
                   .has_value());
}

TEST(HubLfs, FileDigestIsTheSha256OfItsBytesReadInPieces) {
  const auto path = (std::filesystem::temp_directory_path() / "synthgen_hub_lfs_digest_test.bin").string();
  std::string bytes(200000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  std::ofstream(path, std::ios::binary) << bytes;
  const auto digest = file_sha256(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(digest.has_value()) << digest.error();
  EXPECT_EQ(digest->sha256, sha256_hex(bytes));
  EXPECT_EQ(digest->size, bytes.size());
  EXPECT_NE(file_sha256(path).error().find("cannot read " + path), std::string::npos);
}

}  // namespace
}  // namespace synthgen
