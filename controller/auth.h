#pragma once

// Bearer tokens of the Concord API (docs/api.md, "Authentication and roles").
// A token file has one `<token> <name> <role>` per line (role `viewer` or
// `operator`), `#` starts a comment, blank lines are ignored. The token itself
// never leaves this file's functions: errors and logs name the token's name or
// its line, never its text.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace concord::controller {

enum class Role
{
    Viewer,    // reads, watches and plans
    Operator,  // also registers versions, starts, aborts and force-retires updates
};
std::string_view toString(Role role);  // "viewer", "operator"
std::optional<Role> roleFromString(std::string_view text);

// Who made a call: the name of the token it carried and that token's role.
struct Caller
{
    std::string name;
    Role role = Role::Viewer;
};

struct Token
{
    std::string secret;  // what a client sends after "Bearer "
    std::string name;    // shown as requested_by / caller_name and in the journal
    Role role = Role::Viewer;
};

// Tokens shorter than this are refused: they could be guessed.
inline constexpr std::size_t kMinTokenLength = 16;

class TokenStore final
{
public:
    TokenStore() = default;

    // Parses a token file's text; `source` names it in errors.
    static core::Result<TokenStore> parse(std::string_view text, std::string source = "<tokens>");
    static core::Result<TokenStore> load(const std::string& path);

    // Errors (InvalidArgument): secret too short or with whitespace/control
    // characters, name empty or with whitespace, the same secret twice.
    core::Status add(Token token);

    // The caller a presented secret belongs to. Compares against every token
    // in constant time per token, so timing reveals neither which token nor how
    // much of it matched.
    std::optional<Caller> find(std::string_view secret) const;

    bool empty() const { return m_tokens.empty(); }
    std::size_t size() const { return m_tokens.size(); }

private:
    std::vector<Token> m_tokens;
};

// 32 random bytes from the kernel's CSPRNG as 64 lowercase hex digits.
std::string generateToken();

// Equal without an early exit: the time depends only on the lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

// The token of an `authorization` metadata value "Bearer <token>" (scheme
// case-insensitive); nullopt when the value has another form.
std::optional<std::string_view> bearerToken(std::string_view authorization);

}  // namespace concord::controller
