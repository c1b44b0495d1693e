// The Hub's request bodies as huggingface_hub sends them, and the preupload answer.
#include "synthgen/io/hub_upload.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace synthgen {
namespace {

const std::vector<HubFile> files{{"data/train.csv", "text,labels\nok,positive\n", {}}, {"README.md", "---\nlicense: mit\n---\n", {}}};

TEST(HubUpload, CreateRepoBody) {
  HubTarget target{"http://hub", {"me", "pb"}, "main", false};
  EXPECT_EQ(nlohmann::json::parse(create_repo_body(target)), (nlohmann::json{{"name", "pb"}, {"organization", "me"}, {"type", "dataset"}}));
  target.private_repo = true;
  EXPECT_EQ(nlohmann::json::parse(create_repo_body(target))["visibility"], "private");
}

TEST(HubUpload, PreuploadBodyHasPathSizeAndA512ByteSample) {
  const std::vector<UploadInfo> big{{"data/train.csv", 600, std::string(600, 'a')}};
  const auto body = nlohmann::json::parse(preupload_body(big));
  EXPECT_EQ(body["files"][0]["path"], "data/train.csv");
  EXPECT_EQ(body["files"][0]["size"], 600);
  EXPECT_EQ(body["files"][0]["sample"].get<std::string>().size(), 684u);  // base64 of 512 bytes
}

TEST(HubUpload, LfsPathsFromThePreuploadAnswer) {
  const auto lfs = lfs_paths(R"({"files":[{"path":"a","uploadMode":"regular"},{"path":"b","uploadMode":"lfs","shouldIgnore":false}]})");
  ASSERT_TRUE(lfs.has_value()) << lfs.error();
  EXPECT_EQ(*lfs, std::vector<std::string>{"b"});
  EXPECT_FALSE(lfs_paths("{}").has_value());
  EXPECT_FALSE(lfs_paths(R"({"files":[{"path":"a","uploadMode":"xet"}]})").has_value());
}

TEST(HubUpload, CommitBodyIsNdjsonHeaderFirstThenBase64Files) {
  const auto body = commit_body("Upload", "", files);
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (auto end = body.find('\n'); end != std::string::npos; start = end + 1, end = body.find('\n', start))
    lines.push_back(nlohmann::json::parse(body.substr(start, end - start)));
  EXPECT_EQ(start, body.size());  // every line ends with \n
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], (nlohmann::json{{"key", "header"}, {"value", {{"summary", "Upload"}, {"description", ""}}}}));
  EXPECT_EQ(lines[1]["key"], "file");
  EXPECT_EQ(lines[1]["value"]["path"], "data/train.csv");
  EXPECT_EQ(lines[1]["value"]["encoding"], "base64");
  EXPECT_EQ(lines[1]["value"]["content"], base64_encode(files[0].content));
  EXPECT_EQ(lines[2]["value"]["path"], "README.md");
}

TEST(HubUpload, CommitBodyNamesAnLfsFileByOidAndSize) {
  // _commit_api.py _prepare_commit_payload case 2.b: {"key":"lfsFile","value":{path, algo, oid, size}}.
  const std::string oid(64, 'a');
  const std::vector<LfsObject> lfs{{"data/train.csv", oid, 123456}};
  const std::vector<HubFile> regular{files[1]};
  const auto body = commit_body("Upload", "", regular, lfs);
  const auto first = body.find('\n');
  const auto second = body.find('\n', first + 1);
  ASSERT_NE(second, std::string::npos);
  const auto line = nlohmann::json::parse(body.substr(first + 1, second - first - 1));
  EXPECT_EQ(line, (nlohmann::json{{"key", "lfsFile"},
                                  {"value", {{"path", "data/train.csv"}, {"algo", "sha256"}, {"oid", oid}, {"size", 123456}}}}));
  EXPECT_EQ(nlohmann::json::parse(body.substr(second + 1))["value"]["path"], "README.md");
  EXPECT_EQ(body.find(base64_encode(files[0].content)), std::string::npos);  // an LFS file's bytes are not inline
}

}  // namespace
}  // namespace synthgen
