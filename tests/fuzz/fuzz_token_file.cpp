// Feeds arbitrary bytes to the token file parser (concordd --token-file) and
// to the `authorization` metadata parser. Neither may crash; a token file
// error names the line but never echoes a token; a parsed file finds every
// token it lists with its name; a parsed bearer value is a printable part of
// the input.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "controller/auth.h"

namespace {

using concord::controller::TokenStore;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// The oracle's own reading of a line: comment stripped, fields split on blanks.
std::vector<std::string> fieldsOf(std::string_view line)
{
    line = line.substr(0, line.find('#'));
    std::vector<std::string> fields;
    std::string field;
    for (const char c : line) {
        if (isSpace(c)) {
            if (!field.empty())
                fields.push_back(std::move(field));
            field.clear();
        } else {
            field += c;
        }
    }
    if (!field.empty())
        fields.push_back(std::move(field));
    return fields;
}

std::vector<std::vector<std::string>> linesOf(std::string_view text)
{
    std::vector<std::vector<std::string>> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(fieldsOf(text.substr(0, end)));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    return lines;
}

void checkTokenFile(std::string_view text)
{
    const auto parsed = TokenStore::parse(text, "<fuzz>");
    const auto lines = linesOf(text);
    if (!parsed.ok()) {
        // The lines read up to the error: a token of theirs must not be in the
        // message, unless it is part of a name (names are echoed, in quotes).
        const auto& error = parsed.error();
        const std::size_t read =
            error.line > 0 ? std::min(lines.size(), static_cast<std::size_t>(error.line)) : 0;
        std::vector<std::string> quotedNames;
        for (std::size_t i = 0; i < read; ++i)
            if (lines[i].size() > 1)
                quotedNames.push_back("'" + lines[i][1] + "'");
        const std::string message = error.toString();
        for (std::size_t i = 0; i < read; ++i) {
            const auto& fields = lines[i];
            if (fields.empty() || fields[0].size() < concord::controller::kMinTokenLength)
                continue;
            bool inAName = false;
            for (const auto& name : quotedNames)
                inAName |= name.find(fields[0]) != std::string::npos;
            if (!inAName && message.find(fields[0]) != std::string::npos)
                std::abort();  // an error leaked a token
        }
        return;
    }
    std::size_t listed = 0;
    for (const auto& fields : lines) {
        if (fields.empty())
            continue;
        if (fields.size() != 3)
            std::abort();  // accepted a line that is not `<token> <name> <role>`
        ++listed;
        const auto caller = parsed->find(fields[0]);
        if (!caller || caller->name != fields[1] ||
            std::string(concord::controller::toString(caller->role)) != fields[2])
            std::abort();
    }
    if (parsed->size() != listed)
        std::abort();
}

void checkBearer(std::string_view value)
{
    const auto token = concord::controller::bearerToken(value);
    if (!token)
        return;
    if (token->empty() || token->data() < value.data() ||
        token->data() + token->size() > value.data() + value.size())
        std::abort();
    for (const char c : *token)
        if (c <= ' ' || c > '~')
            std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    checkTokenFile(text);
    checkBearer(text);
    return 0;
}
