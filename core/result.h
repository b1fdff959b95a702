#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace concord::core {

// What kind of failure an Error is, for callers that map errors onto status
// codes (the gRPC API). Parsers leave it Unspecified.
enum class ErrorCode
{
    Unspecified,
    InvalidArgument,     // the caller's input is wrong; `message` names the field
    NotFound,            // the service, version or update does not exist
    FailedPrecondition,  // valid, but not in this state (e.g. a second update of a service)
    AlreadyExists,
    Unavailable,  // the driver or journal cannot do it right now; retrying may help
    Aborted,      // a concurrent change won (e.g. a stale expected version); re-read and retry
    Internal,
};

// Where and why an input was rejected. Line and column are 1-based; 0 means
// "not known" (e.g. an error about the document as a whole).
struct Error
{
    std::string source;  // file name or a label such as "<string>"
    int line = 0;
    int column = 0;
    std::string message;
    ErrorCode code = ErrorCode::Unspecified;

    // "source:line:column: message", leaving out the parts that are unknown.
    std::string toString() const;
};

// A value or the Error that prevented it (std::expected is C++23).
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Success or the Error that prevented it, for operations without a value.
using Status = Result<std::monostate>;
inline Status okStatus()
{
    return std::monostate{};
}
// An Error that carries a code and no position (runtime failures, not parse errors).
inline Error makeError(ErrorCode code, std::string message, std::string source = {})
{
    Error error;
    error.source = std::move(source);
    error.message = std::move(message);
    error.code = code;
    return error;
}

}  // namespace concord::core
