// The repo id's rules, the card's front matter and body, and the encodings a push needs.
#include "synthgen/core/dataset_card.hpp"

#include <gtest/gtest.h>

#include "synthgen/core/run_config.hpp"
#include "test_support.hpp"

namespace synthgen {
namespace {

TEST(HubRepoId, OwnerSlashName) {
  const auto id = parse_hub_repo_id("my-org/phrasebank_labels.v2");
  ASSERT_TRUE(id.has_value()) << id.error();
  EXPECT_EQ(id->owner, "my-org");
  EXPECT_EQ(id->name, "phrasebank_labels.v2");
  EXPECT_EQ(id->id(), "my-org/phrasebank_labels.v2");
}

TEST(HubRepoId, BadNamesSayWhy) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"name", "'name' is not OWNER/NAME (a user or organization, a slash, the dataset's name)"},
      {"a/b/c", "'a/b/c' is not OWNER/NAME (a user or organization, a slash, the dataset's name)"},
      {"/name", "'/name' is not OWNER/NAME: OWNER is empty"},
      {"me/", "'me/' is not OWNER/NAME: NAME is empty"},
      {"me/a b", "'me/a b' is not OWNER/NAME: NAME may hold only letters, digits, '-', '_' and '.'"},
      {"me/-x", "'me/-x' is not OWNER/NAME: NAME must start and end with a letter or digit"},
      {"me/x.", "'me/x.' is not OWNER/NAME: NAME must start and end with a letter or digit"},
      {"me/a--b", "'me/a--b' is not OWNER/NAME: NAME may not hold \"--\" or \"..\""},
      {"me/" + std::string(97, 'a'), "'me/" + std::string(97, 'a') + "' is not OWNER/NAME: NAME is longer than 96 characters"},
  };
  for (const auto& [text, message] : cases) {
    const auto id = parse_hub_repo_id(text);
    ASSERT_FALSE(id.has_value()) << text;
    EXPECT_EQ(id.error(), message);
  }
}

TEST(Base64, AsPython) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(SizeCategory, HubTags) {
  EXPECT_EQ(size_category(0), "n<1K");
  EXPECT_EQ(size_category(999), "n<1K");
  EXPECT_EQ(size_category(1000), "1K<n<10K");
  EXPECT_EQ(size_category(2264), "1K<n<10K");
  EXPECT_EQ(size_category(10000), "10K<n<100K");
  EXPECT_EQ(size_category(5'000'000), "1M<n<10M");
}

TEST(LabelDistribution, CountsTheLabelsColumnInLabelOrder) {
  const auto counts = label_distribution("text,labels,agreement\n\"a, b\",positive,1\nc,negative,1\nd,positive,0.67\ne,other,1\n",
                                         {"negative", "neutral", "positive"});
  ASSERT_TRUE(counts.has_value()) << counts.error();
  const std::vector<std::pair<std::string, std::size_t>> want{{"negative", 1}, {"neutral", 0}, {"positive", 2}, {"other", 1}};
  EXPECT_EQ(*counts, want);
  EXPECT_EQ(label_distribution("text,label\nx,y\n", {}).error(), "the training file has no labels column");
}

Provenance card_provenance() {
  Provenance p;
  p.synthgen_version = "1.2.3";
  p.created = "2026-12-01T09:30:00Z";
  p.dataset = "takala/financial_phrasebank";
  p.config = "sentences_allagree";
  p.split = "train";
  p.source = "the Hub file FinancialPhraseBank-v1.0.zip";
  p.data_sha256 = "ab12";
  p.model = "mistralai/Mixtral-8x7B-Instruct-v0.1";
  p.endpoint = "http://***@host/v1";
  p.api = "openai";
  p.prompt = "cot";
  p.prompt_sha256 = "cd34";
  p.temperature = 0.8;
  p.top_p = 0.9;
  p.max_tokens = 128;
  p.votes = 3;
  p.early_stop = true;
  p.seed = 42;
  p.n_sample = 0;
  p.test_size = "0.2";
  p.parser = "strict";
  return p;
}

DatasetCardFacts facts() {
  return {.repo = {"me", "pb"},
          .license = "cc-by-nc-sa-3.0",
          .splits = {{"train", "data/train.csv", 3}, {"test", "data/test.csv", 1}},
          .provenance = card_provenance(),
          .scores = {{"test", 1, 0.9, 0.85}, {"train", 3, 0.95, 0.9}},
          .train_labels = {{"negative", 1}, {"positive", 2}}};
}

TEST(DatasetCard, FrontMatterHasWhatTheHubReads) {
  const auto card = dataset_card(facts());
  EXPECT_TRUE(
      card.starts_with("---\nlicense: cc-by-nc-sa-3.0\ntask_categories:\n- text-classification\nlanguage:\n- en\n"
                       "size_categories:\n- n<1K\ntags:\n- synthetic\nconfigs:\n- config_name: default\n  data_files:\n"
                       "  - split: train\n    path: data/train.csv\n  - split: test\n    path: data/test.csv\n---\n"))
      << card;
}

TEST(DatasetCard, BodyHasEveryProvenanceFieldFiguresLabelsAndLoading) {
  const auto card = dataset_card(facts());
  for (const auto* part : {"# me/pb\n",
                           "| dataset | takala/financial_phrasebank (sentences_allagree, train) |",
                           "| read from | the Hub file FinancialPhraseBank-v1.0.zip |",
                           "| data sha256 | `ab12` |",
                           "| model | `mistralai/Mixtral-8x7B-Instruct-v0.1` |",
                           "| endpoint | http://***@host/v1 |",
                           "| api | openai |",
                           "| prompt | cot |",
                           "| prompt sha256 | `cd34` |",
                           "| temperature | 0.8 |",
                           "| top_p | 0.9 |",
                           "| max_tokens | 128 |",
                           "| votes per row | 3 |",
                           "| early stop | yes |",
                           "| seed | 42 |",
                           "| sample | every row |",
                           "| test size | 0.2 |",
                           "| parser | strict |",
                           "| made with | synthgen 1.2.3 |",
                           "| created | 2026-12-01T09:30:00Z |",
                           "| test split (held out: `data/test.csv` holds its human labels) | 1 | 0.9000 | 0.8500 |",
                           "| train split (`data/train.csv` holds the LLM's labels) | 3 | 0.9500 | 0.9000 |",
                           "| positive | 2 | 66.7 % |",
                           "| all | 3 | |",
                           "load_dataset(\"me/pb\")"}) {
    EXPECT_NE(card.find(part), std::string::npos) << part << "\n" << card;
  }
  EXPECT_LT(card.find("| test split"), card.find("| train split")) << "the held-out figures come first";
}

TEST(DatasetCard, LeavesOutWhatIsNotKnown) {
  auto f = facts();
  f.provenance.data_sha256.clear();  // the viewer's pages: no checksum of the data
  f.provenance.config.clear();
  f.provenance.dataset = "rows.jsonl";
  f.provenance.n_sample = 100;
  f.provenance.test_size = "0";
  const auto card = dataset_card(f);
  EXPECT_EQ(card.find("data sha256"), std::string::npos) << card;
  EXPECT_NE(card.find("| dataset | rows.jsonl |"), std::string::npos) << card;
  EXPECT_NE(card.find("| sample | 100 rows |"), std::string::npos) << card;
  EXPECT_NE(card.find("| test size | no test split |"), std::string::npos) << card;
}

TEST(DatasetCard, WithoutGoldSaysUnscored) {
  auto f = facts();
  f.scores.clear();
  EXPECT_NE(dataset_card(f).find("not scored"), std::string::npos);
}

std::expected<RunConfig, std::string> config_with(FlagValues flags) {
  return make_run_config(merge_settings(option_table(), testing::env_of({}), flags));
}

TEST(PushConfig, DefaultsToTheSourcesLicense) {
  const auto c = config_with({{"push-to-hub", "me/pb"}});
  ASSERT_TRUE(c.has_value()) << c.error();
  ASSERT_TRUE(c->push_to_hub.has_value());
  EXPECT_EQ(c->push_to_hub->id(), "me/pb");
  EXPECT_EQ(c->license, "cc-by-nc-sa-3.0");
  EXPECT_EQ(c->revision, "main");
  EXPECT_FALSE(c->private_repo);
  EXPECT_FALSE(config_with({})->push_to_hub.has_value());
}

TEST(PushConfig, RefusedBeforeTheRun) {
  const std::vector<std::pair<FlagValues, std::string>> cases{
      {{{"push-to-hub", "pb"}}, "--push-to-hub 'pb' is not OWNER/NAME (a user or organization, a slash, the dataset's name)"},
      {{{"push-to-hub", "me/pb"}, {"input", "rows.jsonl"}},
       "--push-to-hub needs --license: the license of rows.jsonl is not known to synthgen; give the Hub's id of the source's license "
       "(e.g. --license cc-by-4.0, or other)"},
      {{{"push-to-hub", "me/pb"}, {"license", "cc by"}},
       "--license must be a Hub license id (letters, digits, '-', '.', '+'), e.g. cc-by-4.0, got 'cc by'"},
      {{{"push-to-hub", "me/pb"}, {"output", "-"}}, "--push-to-hub publishes the --output file: give --output a file name, not -"},
      {{{"push-to-hub", "me/pb"}, {"offline", "true"}}, "--push-to-hub goes on the network: drop --offline (HF_HUB_OFFLINE)"},
      {{{"push-to-hub", "me/pb"}, {"revision", "a b"}}, "--revision must be a branch name, got 'a b'"},
  };
  for (const auto& [flags, message] : cases) {
    const auto c = config_with(flags);
    ASSERT_FALSE(c.has_value()) << message;
    EXPECT_EQ(c.error(), message);
  }
}

}  // namespace
}  // namespace synthgen
