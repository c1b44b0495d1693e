// Financial PhraseBank from its Hub file: the viewer refuses this script dataset, so the default
// run reads FinancialPhraseBank-v1.0.zip (ISO-8859-1 `sentence@label` members) with libzip.
#include <zip.h>

#include <array>
#include <memory>

#include "synthgen/io/dataset_source.hpp"
#include "synthgen/io/digest.hpp"

namespace synthgen {
namespace {

constexpr zip_uint64_t max_member_bytes = 256u << 20;

struct Subset {
  const char* name;
  const char* member;
};

constexpr std::array<Subset, 4> subsets{{
    {"sentences_allagree", "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt"},
    {"sentences_75agree", "FinancialPhraseBank-v1.0/Sentences_75Agree.txt"},
    {"sentences_66agree", "FinancialPhraseBank-v1.0/Sentences_66Agree.txt"},
    {"sentences_50agree", "FinancialPhraseBank-v1.0/Sentences_50Agree.txt"},
}};

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::string zip_error_text(zip_error_t& error) {
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

std::string member_names(zip_t* archive) {
  std::string names;
  const auto count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count && i < 20; ++i) {
    if (const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0)) names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return names.empty() ? "none" : names;
}

}  // namespace

bool is_phrasebank(const std::string& dataset) { return dataset == "takala/financial_phrasebank" || dataset == "financial_phrasebank"; }

std::vector<std::string> phrasebank_subsets() {
  std::vector<std::string> names;
  names.reserve(subsets.size());
  for (const auto& s : subsets) names.emplace_back(s.name);
  return names;
}

std::expected<std::string, std::string> read_zip_member(const std::string& archive_bytes, const std::string& member) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(archive_bytes.data(), archive_bytes.size(), 0, &error);
  if (source == nullptr) return std::unexpected("cannot read the archive: " + zip_error_text(error));
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (!archive) {
    zip_source_free(source);
    return std::unexpected("the file is not a readable zip archive: " + zip_error_text(error));
  }
  zip_error_fini(&error);
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive.get(), member.c_str(), 0, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
    return std::unexpected("the archive has no member " + member + " (members: " + member_names(archive.get()) + ")");
  }
  if (stat.size > max_member_bytes) return std::unexpected("the archive member " + member + " is larger than 256 MiB");
  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen(archive.get(), member.c_str(), 0));
  if (!file) return std::unexpected("cannot open the archive member " + member + ": " + zip_strerror(archive.get()));
  std::string content(static_cast<std::size_t>(stat.size), '\0');
  const auto read = zip_fread(file.get(), content.data(), stat.size);
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) return std::unexpected("the archive member " + member + " is damaged");
  return content;
}

std::expected<Dataset, SourceError> load_phrasebank_zip(HttpPool& pool, const std::string& hub_endpoint, const std::string& subset,
                                                        const HeaderList& headers) {
  const auto* chosen = std::find_if(subsets.begin(), subsets.end(), [&](const Subset& s) { return subset == s.name; });
  if (chosen == subsets.end()) return std::unexpected(SourceError{FailureKind::input, "unknown subset '" + subset + "'", 0});
  HttpRequest request;
  request.url = hub_endpoint + "/datasets/takala/financial_phrasebank/resolve/main/data/FinancialPhraseBank-v1.0.zip";
  request.headers = headers;
  const auto response = pool.fetch(std::move(request));
  if (!response.ok()) return std::unexpected(http_failure(response, "the Hub"));
  auto text = read_zip_member(response.body, chosen->member);
  if (!text) return std::unexpected(SourceError{FailureKind::service, "FinancialPhraseBank-v1.0.zip from the Hub: " + text.error(), 0});
  auto rows = parse_phrasebank_text(*text, sentiment_labels());
  if (!rows) return std::unexpected(SourceError{FailureKind::service, std::string(chosen->member) + ": " + rows.error(), 0});
  const auto total = rows->size();
  return Dataset{sentiment_labels(), std::move(*rows), "the Hub file FinancialPhraseBank-v1.0.zip (" + std::string(chosen->member) + ")",
                 total, sha256_hex(response.body)};
}

}  // namespace synthgen
