#include "auth.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace concord::controller {

using core::ErrorCode;
using core::makeError;

namespace {

constexpr std::size_t kMaxTokenFileBytes = 1 << 20;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Printable ASCII without space: what fits in a metadata value and a token file field.
bool isTokenText(std::string_view text)
{
    for (const char c : text) {
        if (c <= ' ' || c > '~') {
            return false;
        }
    }
    return true;
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isSpace(line[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < line.size() && !isSpace(line[i])) {
            ++i;
        }
        if (i > start) {
            fields.push_back(line.substr(start, i - start));
        }
    }
    return fields;
}

core::Error lineError(const std::string& source, int line, std::string message)
{
    core::Error error = makeError(ErrorCode::InvalidArgument, std::move(message), source);
    error.line = line;
    return error;
}

}  // namespace

std::string_view toString(Role role)
{
    return role == Role::Operator ? "operator" : "viewer";
}

std::optional<Role> roleFromString(std::string_view text)
{
    if (text == "viewer") {
        return Role::Viewer;
    }
    if (text == "operator") {
        return Role::Operator;
    }
    return std::nullopt;
}

core::Status TokenStore::add(Token token)
{
    if (token.secret.size() < kMinTokenLength) {
        return makeError(ErrorCode::InvalidArgument,
                         "token of '" + token.name + "' is shorter than " +
                             std::to_string(kMinTokenLength) + " characters");
    }
    if (!isTokenText(token.secret)) {
        return makeError(ErrorCode::InvalidArgument,
                         "token of '" + token.name + "' has whitespace or non-ASCII characters");
    }
    if (token.name.empty() || !isTokenText(token.name)) {
        return makeError(ErrorCode::InvalidArgument,
                         "token name must be non-empty printable ASCII without spaces");
    }
    for (const Token& existing : m_tokens) {
        if (constantTimeEquals(existing.secret, token.secret)) {
            return makeError(ErrorCode::AlreadyExists, "tokens of '" + existing.name + "' and '" +
                                                           token.name + "' are the same");
        }
    }
    m_tokens.push_back(std::move(token));
    return core::okStatus();
}

core::Result<TokenStore> TokenStore::parse(std::string_view text, std::string source)
{
    TokenStore store;
    int lineNo = 0;
    while (!text.empty()) {
        ++lineNo;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        const std::vector<std::string_view> fields = splitFields(line);
        if (fields.empty()) {
            continue;
        }
        if (fields.size() != 3) {
            return lineError(source, lineNo, "expected `<token> <name> <role>`");
        }
        const std::optional<Role> role = roleFromString(fields[2]);
        if (!role) {
            return lineError(source, lineNo, "role must be `viewer` or `operator`");
        }
        if (auto added = store.add({std::string(fields[0]), std::string(fields[1]), *role});
            !added) {
            return lineError(source, lineNo, added.error().message);
        }
    }
    return store;
}

core::Result<TokenStore> TokenStore::load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return makeError(ErrorCode::NotFound,
                         std::string("cannot open token file: ") + std::strerror(errno), path);
    }
    std::string text(kMaxTokenFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxTokenFileBytes) {
        return makeError(ErrorCode::InvalidArgument, "token file larger than 1 MiB", path);
    }
    return parse(text, path);
}

std::optional<Caller> TokenStore::find(std::string_view secret) const
{
    std::optional<Caller> found;
    for (const Token& token : m_tokens) {
        // No early exit: every token is compared whether or not one matched.
        if (constantTimeEquals(token.secret, secret) && !found) {
            found = Caller{token.name, token.role};
        }
    }
    return found;
}

std::string generateToken()
{
    std::array<unsigned char, 32> bytes{};
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            // No kernel randomness: refusing beats a guessable operator token.
            throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
        }
        filled += static_cast<std::size_t>(n);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        hex.push_back(kHex[b >> 4]);
        hex.push_back(kHex[b & 0xF]);
    }
    return hex;
}

bool constantTimeEquals(std::string_view a, std::string_view b)
{
    // Compare over the longer length so a prefix match costs the same as none.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff = static_cast<unsigned char>(diff | (x ^ y));
    }
    // volatile keeps the compiler from turning the loop into an early-exit memcmp.
    volatile unsigned char result = diff;
    return result == 0;
}

std::optional<std::string_view> bearerToken(std::string_view authorization)
{
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const char c = authorization[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != kScheme[i]) {
            return std::nullopt;
        }
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    if (token.empty() || !isTokenText(token)) {
        return std::nullopt;
    }
    return token;
}

}  // namespace concord::controller
