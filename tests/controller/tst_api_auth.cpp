// Bearer tokens: the token file format, lookup, generation and the
// `authorization` header parser (controller/auth.h). No server here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "controller/api_server.h"
#include "controller/auth.h"

namespace concord::controller {
namespace {

TEST(ApiAuth, TokenFileParsesRolesCommentsAndBlankLines)
{
    const auto store = TokenStore::parse(
        "# tokens of the staging daemon\n"
        "\n"
        "aaaaaaaaaaaaaaaaaaaaaaaa alice operator   # CI\n"
        "  bbbbbbbbbbbbbbbbbbbbbbbb\tbob  viewer\r\n");
    ASSERT_TRUE(store.ok()) << store.error().toString();
    EXPECT_EQ(store->size(), 2U);
    const auto alice = store->find("aaaaaaaaaaaaaaaaaaaaaaaa");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->name, "alice");
    EXPECT_EQ(alice->role, Role::Operator);
    const auto bob = store->find("bbbbbbbbbbbbbbbbbbbbbbbb");
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->name, "bob");
    EXPECT_EQ(bob->role, Role::Viewer);
    EXPECT_FALSE(store->find("aaaaaaaaaaaaaaaaaaaaaaa"));    // a prefix
    EXPECT_FALSE(store->find("aaaaaaaaaaaaaaaaaaaaaaaaa"));  // one longer
    EXPECT_FALSE(store->find(""));
}

TEST(ApiAuth, TokenFileErrorsNameTheLineButNeverTheToken)
{
    const std::string secret = "s3cret-s3cret-s3cret-s3cret";
    struct Case
    {
        std::string text;
        int line;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"\n" + secret + " alice\n", 2, "expected `<token> <name> <role>`"},
        {secret + " alice admin\n", 1, "role must be"},
        {"# c\n" + secret + " alice operator extra\n", 2, "expected"},
        {"short alice operator\n", 1, "shorter than 16"},
        {secret + " alice operator\n" + secret + " bob viewer\n", 2, "are the same"},
        {"tok\xc3\xa9n-tok\xc3\xa9n-tok\xc3\xa9n alice operator\n", 1, "non-ASCII"},
    };
    for (const Case& c : cases) {
        const auto store = TokenStore::parse(c.text, "tokens.txt");
        ASSERT_FALSE(store.ok()) << c.text;
        EXPECT_EQ(store.error().line, c.line) << c.text;
        EXPECT_EQ(store.error().source, "tokens.txt");
        EXPECT_NE(store.error().message.find(c.message), std::string::npos)
            << store.error().message;
        EXPECT_EQ(store.error().toString().find(secret), std::string::npos) << c.text;
    }
}

TEST(ApiAuth, LoadReadsAFileAndReportsAMissingOne)
{
    const auto path = std::filesystem::temp_directory_path() / "concord-tst-api-auth-tokens";
    std::ofstream(path) << "cccccccccccccccccccccccc carol viewer\n";
    const auto store = TokenStore::load(path.string());
    ASSERT_TRUE(store.ok()) << store.error().toString();
    EXPECT_TRUE(store->find("cccccccccccccccccccccccc"));
    std::filesystem::remove(path);
    const auto missing = TokenStore::load(path.string());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, core::ErrorCode::NotFound);
}

TEST(ApiAuth, GeneratedTokensAreLongRandomHex)
{
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const std::string token = generateToken();
        ASSERT_EQ(token.size(), 64U);
        EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
        EXPECT_TRUE(seen.insert(token).second);
    }
    TokenStore store;
    EXPECT_TRUE(store.add({generateToken(), "local", Role::Operator}).ok());
}

TEST(ApiAuth, ConstantTimeEqualsIsEquality)
{
    EXPECT_TRUE(constantTimeEquals("", ""));
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("abc", "ab"));
    EXPECT_FALSE(constantTimeEquals("ab", "abc"));
    EXPECT_FALSE(constantTimeEquals("", "a"));
    EXPECT_FALSE(constantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(ApiAuth, BearerHeaderParsing)
{
    EXPECT_EQ(bearerToken("Bearer abc"), "abc");
    EXPECT_EQ(bearerToken("bearer abc"), "abc");
    EXPECT_EQ(bearerToken("BEARER   abc  "), "abc");
    EXPECT_FALSE(bearerToken("Bearer"));
    EXPECT_FALSE(bearerToken("Bearer "));
    EXPECT_FALSE(bearerToken("Bearer    "));
    EXPECT_FALSE(bearerToken("Basic abc"));
    EXPECT_FALSE(bearerToken("abc"));
    EXPECT_FALSE(bearerToken("Bearer a b"));
    EXPECT_FALSE(bearerToken(""));
}

TEST(ApiAuth, LoopbackAddresses)
{
    for (const char* address : {"127.0.0.1:0", "127.1.2.3:7443", "localhost:80", "[::1]:7443",
                                "ipv4:127.0.0.1:1", "unix:/tmp/concord.sock"}) {
        EXPECT_TRUE(isLoopbackListenAddress(address)) << address;
    }
    for (const char* address : {"0.0.0.0:7443", "[::]:7443", "10.0.0.1:1", "example.com:443",
                                "128.0.0.1:1", "127.0.0.1", "", ":7443", "[::1]"}) {
        EXPECT_FALSE(isLoopbackListenAddress(address)) << address;
    }
}

TEST(ApiAuth, RandomUuidHasVersion4Shape)
{
    const std::string uuid = randomUuid();
    ASSERT_EQ(uuid.size(), 36U);
    EXPECT_EQ(uuid[8], '-');
    EXPECT_EQ(uuid[14], '4');
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
    EXPECT_NE(randomUuid(), uuid);
}

}  // namespace
}  // namespace concord::controller
