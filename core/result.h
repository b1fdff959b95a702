#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace concord::core {

// Where and why an input was rejected. Line and column are 1-based; 0 means
// "not known" (e.g. an error about the document as a whole).
struct Error
{
    std::string source;  // file name or a label such as "<string>"
    int line = 0;
    int column = 0;
    std::string message;

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

}  // namespace concord::core
