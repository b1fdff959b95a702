#include "tracemgr_options.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string_view>

namespace concord::tracemanager {

namespace {

using Apply = core::Status (*)(TraceManagerOptions& options, const std::string& label,
                               const std::string& value);

struct FlagSpec
{
    std::string_view name;  // without the leading "--"
    std::string_view valueName;
    std::string_view defaultText;
    std::string_view meaning;  // lines of the --help text
    Apply apply;
    bool takesValue = true;
};

// A value as given, and by whom: the flag or the variable its error names.
struct RawValue
{
    std::string label;
    std::string value;
};

constexpr std::string_view kEnvPrefix = "CONCORD_TRACEMGR_";
constexpr long long kMaxTtlSeconds = 86400;
constexpr long long kMaxAuthzThreads = 16;
constexpr long long kMaxDrainSeconds = 300;
constexpr std::size_t kMaxUnixPathBytes = 107;  // sun_path is 108 bytes with the NUL

// A value in an error message: quoted, with quotes and control characters escaped.
std::string quote(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + '"';
}

core::Error invalid(const std::string& label, std::string_view value, std::string_view why)
{
    return core::makeError(core::ErrorCode::InvalidArgument,
                           label + ": " + quote(value) + " " + std::string(why));
}

std::string lowerCase(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::optional<long long> toInteger(std::string_view text)
{
    long long value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

core::Status setSeconds(const std::string& label, const std::string& value, long long min,
                        long long max, std::chrono::seconds& target)
{
    const auto seconds = toInteger(value);
    if (!seconds || *seconds < min || *seconds > max) {
        return invalid(
            label, value,
            "is not a number of seconds (" + std::to_string(min) + "–" + std::to_string(max) + ")");
    }
    target = std::chrono::seconds(*seconds);
    return core::okStatus();
}

std::optional<bool> toBool(std::string_view text)
{
    const std::string lower = lowerCase(text);
    if (lower == "1" || lower == "true") {
        return true;
    }
    if (lower == "0" || lower == "false") {
        return false;
    }
    return std::nullopt;
}

bool isDigits(std::string_view text)
{
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// HOST:PORT with port 0–65535; an IPv6 host goes in brackets ("[::1]:9411").
core::Status checkHostPort(const std::string& label, const std::string& value)
{
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return invalid(label, value, "is not HOST:PORT (e.g. 127.0.0.1:9411 or [::1]:9411)");
    }
    const std::string_view host = std::string_view(value).substr(0, colon);
    const std::string_view port = std::string_view(value).substr(colon + 1);
    const bool bracketed = host.front() == '[';
    if (bracketed && (host.size() < 3 || host.back() != ']')) {
        return invalid(label, value, "has an unclosed or empty [IPv6] host");
    }
    if (!bracketed && host.find(':') != std::string_view::npos) {
        return invalid(label, value, "has an IPv6 host without brackets (write [::1]:9411)");
    }
    if (std::any_of(host.begin(), host.end(),
                    [](unsigned char c) { return std::isspace(c) || c == '/'; })) {
        return invalid(label, value, "is not HOST:PORT (the host has a space or a slash)");
    }
    const auto number = isDigits(port) && port.size() <= 5 ? toInteger(port) : std::nullopt;
    if (!number || *number > 65535) {
        return invalid(label, value, "has no port in 0–65535 after the last ':'");
    }
    return core::okStatus();
}

// An optional listener: "" or "off" is none.
core::Status setOptionalListen(const std::string& label, const std::string& value,
                               std::string& target)
{
    if (value.empty() || value == "off") {
        target.clear();
        return core::okStatus();
    }
    auto status = checkHostPort(label, value);
    if (status) {
        target = value;
    }
    return status;
}

// RFC 9110 token characters: what a header field name may hold.
bool isHeaderToken(std::string_view name)
{
    constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](unsigned char c) {
        return std::isalnum(c) || kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

core::Status applyMode(TraceManagerOptions& o, const std::string& label, const std::string& value)
{
    if (value == "instance") {
        o.mode = Mode::Instance;
    } else if (value == "gateway") {
        o.mode = Mode::Gateway;
    } else {
        return invalid(label, value, "is not a mode (instance or gateway)");
    }
    return core::okStatus();
}

core::Status applyAuthzSocket(TraceManagerOptions& o, const std::string& label,
                              const std::string& value)
{
    if (value.empty()) {
        return invalid(label, value, "is not a Unix socket path (it is empty)");
    }
    if (value.size() > kMaxUnixPathBytes) {
        return invalid(label, value, "is longer than 107 bytes, the limit of a Unix socket path");
    }
    o.authzSocket = value;
    return core::okStatus();
}

core::Status applyAuthzListen(TraceManagerOptions& o, const std::string& label,
                              const std::string& value)
{
    return setOptionalListen(label, value, o.authzListen);
}

core::Status applyControlListen(TraceManagerOptions& o, const std::string& label,
                                const std::string& value)
{
    auto status = checkHostPort(label, value);
    if (status) {
        o.controlListen = value;
    }
    return status;
}

core::Status applyMetricsListen(TraceManagerOptions& o, const std::string& label,
                                const std::string& value)
{
    return setOptionalListen(label, value, o.metricsListen);
}

core::Status applyTraceHeader(TraceManagerOptions& o, const std::string& label,
                              const std::string& value)
{
    // Header names are case-insensitive, so "X-B3-TraceId" is accepted too.
    const std::string name = lowerCase(value);
    if (name == "x-b3-traceid") {
        o.traceHeader = core::TraceHeaderFormat::B3TraceId;
    } else if (name == "traceparent") {
        o.traceHeader = core::TraceHeaderFormat::TraceParent;
    } else if (name == "b3") {
        o.traceHeader = core::TraceHeaderFormat::B3Single;
    } else {
        return invalid(label, value, "is not a trace header (x-b3-traceid, traceparent or b3)");
    }
    return core::okStatus();
}

core::Status applyPinHeader(TraceManagerOptions& o, const std::string& label,
                            const std::string& value)
{
    if (!isHeaderToken(value)) {
        return invalid(label, value,
                       "is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    }
    // Envoy hands ext_authz lower-case header names.
    o.pinHeader = lowerCase(value);
    return core::okStatus();
}

core::Status applyTtl(TraceManagerOptions& o, const std::string& label, const std::string& value)
{
    return setSeconds(label, value, 1, kMaxTtlSeconds, o.ttl);
}

core::Status applyAuthzThreads(TraceManagerOptions& o, const std::string& label,
                               const std::string& value)
{
    const auto threads = toInteger(value);
    if (!threads || *threads < 1 || *threads > kMaxAuthzThreads) {
        return invalid(label, value,
                       "is not a number of threads (1–" + std::to_string(kMaxAuthzThreads) + ")");
    }
    o.authzThreads = static_cast<int>(*threads);
    return core::okStatus();
}

core::Status applyDrainTimeout(TraceManagerOptions& o, const std::string& label,
                               const std::string& value)
{
    return setSeconds(label, value, 0, kMaxDrainSeconds, o.drainTimeout);
}

core::Status applyLogFormat(TraceManagerOptions& o, const std::string& label,
                            const std::string& value)
{
    if (value == "json") {
        o.logFormat = LogFormat::Json;
    } else if (value == "text") {
        o.logFormat = LogFormat::Text;
    } else {
        return invalid(label, value, "is not a log format (json or text)");
    }
    return core::okStatus();
}

core::Status applyVerbose(TraceManagerOptions& o, const std::string& label,
                          const std::string& value)
{
    const auto verbose = toBool(value);
    if (!verbose) {
        return invalid(label, value, "is not a boolean (1, true, 0 or false)");
    }
    o.verbose = *verbose;
    return core::okStatus();
}

const std::array<FlagSpec, 12> kFlags{{
    {"mode", "instance|gateway", "instance",
     "instance: record the trace id of every request Envoy checks, block on\n"
     "demand; gateway: collect completions from Envoy's access-log stream",
     applyMode},
    {"authz-socket", "PATH", "/var/run/concord/tracemgr.sock",
     "Unix socket of ext_authz (and, at a gateway, of the access-log service)", applyAuthzSocket},
    {"authz-listen", "HOST:PORT", "none",
     "also serve those on this TCP address; \"\" or off = none", applyAuthzListen},
    {"authz-threads", "N", "2",
     "threads answering Checks (1–16); Envoy opens one connection per worker", applyAuthzThreads},
    {"control-listen", "HOST:PORT", "0.0.0.0:9411",
     "the control API (concord.v1.TraceManagerService); port 0 = any free one", applyControlListen},
    {"metrics-listen", "HOST:PORT", "0.0.0.0:9412",
     "HTTP GET /metrics (Prometheus) and /healthz; \"\" or off = none", applyMetricsListen},
    {"trace-header", "x-b3-traceid|traceparent|b3", "x-b3-traceid",
     "the request header that carries the trace id", applyTraceHeader},
    {"pin-header", "NAME", "x-version",
     "the request header that pins a transaction to a version (lower-cased)", applyPinHeader},
    {"ttl", "SECONDS", "600",
     "keep an unlocked trace id at least this long, at most twice (1–86400)", applyTtl},
    {"drain-timeout", "SECONDS", "5",
     "on SIGTERM or SIGINT, let in-flight calls finish this long (0–300)", applyDrainTimeout},
    {"log-format", "json|text", "json", "one JSON object or logfmt line per event on stderr",
     applyLogFormat},
    {"verbose", "", "off", "also log debug events (the variable: 1, true, 0 or false)",
     applyVerbose, false},
}};

std::string envName(std::string_view flag)
{
    std::string name(kEnvPrefix);
    for (const char c : flag) {
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

const FlagSpec* findFlag(std::string_view name)
{
    const auto it = std::find_if(kFlags.begin(), kFlags.end(),
                                 [&](const FlagSpec& flag) { return flag.name == name; });
    return it == kFlags.end() ? nullptr : &*it;
}

using RawValues = std::array<std::optional<RawValue>, kFlags.size()>;

std::size_t indexOf(const FlagSpec& flag)
{
    return static_cast<std::size_t>(&flag - kFlags.data());
}

// Variables outside the table are ignored: Kubernetes injects
// CONCORD_TRACEMGR_SERVICE_HOST and the like for a Service of that name.
void readEnvironment(const std::vector<std::string>& env, RawValues& raw)
{
    for (const std::string& entry : env) {
        const auto equals = entry.find('=');
        if (equals == std::string::npos) {
            continue;
        }
        const std::string name = entry.substr(0, equals);
        for (const FlagSpec& flag : kFlags) {
            if (envName(flag.name) == name) {
                raw[indexOf(flag)] = RawValue{name, entry.substr(equals + 1)};
            }
        }
    }
}

core::Error argumentError(std::string message)
{
    return core::makeError(core::ErrorCode::InvalidArgument, std::move(message));
}

// Flags into `raw`, over what the environment put there. Returns true when
// --help was given: then nothing else matters.
core::Result<bool> readArguments(const std::vector<std::string>& args, RawValues& raw)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            return true;
        }
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
            return argumentError("unexpected argument " + quote(arg));
        }
        const auto equals = arg.find('=');
        const std::string flagText = arg.substr(0, equals);
        const FlagSpec* flag = findFlag(std::string_view(flagText).substr(2));
        if (flag == nullptr) {
            return argumentError("unknown option " + flagText);
        }
        std::string value;
        if (equals != std::string::npos) {
            value = arg.substr(equals + 1);
        } else if (!flag->takesValue) {
            value = "true";
        } else if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) {
            // No value of ours starts with "--"; "--ttl --verbose" is a forgotten value.
            return argumentError(flagText + " needs a value (" + std::string(flag->valueName) +
                                 ")");
        } else {
            value = args[++i];
        }
        raw[indexOf(*flag)] = RawValue{flagText, std::move(value)};
    }
    return false;
}

}  // namespace

core::Result<TraceManagerOptions> parseTraceManagerOptions(const std::vector<std::string>& args,
                                                           const std::vector<std::string>& env)
{
    RawValues raw;
    readEnvironment(env, raw);
    const auto help = readArguments(args, raw);
    if (!help) {
        return help.error();
    }
    TraceManagerOptions options;
    if (*help) {
        options.help = true;
        return options;
    }
    // Validated only now, so a bad variable that a flag overrides is no error.
    for (const FlagSpec& flag : kFlags) {
        if (const auto& given = raw[indexOf(flag)]) {
            if (auto status = flag.apply(options, given->label, given->value); !status) {
                return status.error();
            }
        }
    }
    return options;
}

std::string traceManagerUsage()
{
    std::string text =
        "Usage: concord-tracemgr [options]\n"
        "\n"
        "The Concord sidecar of one pod, beside its Envoy. Envoy asks it about every\n"
        "inbound request over ext_authz; it records the request's trace id in its\n"
        "TraceidSet and, when told to block, answers 503 to requests without an allowed\n"
        "version pin. At the ingress gateway it records completed transactions from\n"
        "Envoy's access-log stream.\n"
        "\n"
        "Options (each also read from the environment variable shown; a flag wins over\n"
        "its variable; both --flag VALUE and --flag=VALUE work):\n";
    for (const FlagSpec& flag : kFlags) {
        text += "  --" + std::string(flag.name);
        if (flag.takesValue) {
            text += " " + std::string(flag.valueName);
        }
        text +=
            "\n      $" + envName(flag.name) + ", default " + std::string(flag.defaultText) + "\n";
        std::string_view meaning = flag.meaning;
        while (!meaning.empty()) {
            const auto newline = meaning.find('\n');
            text += "      " + std::string(meaning.substr(0, newline)) + "\n";
            meaning = newline == std::string_view::npos ? "" : meaning.substr(newline + 1);
        }
    }
    text +=
        "  -h, --help\n"
        "      print this text and exit\n"
        "\n"
        "When it is ready it prints one line on stdout:\n"
        "  concord-tracemgr: serving mode=MODE authz=unix:PATH[,HOST:PORT]\n"
        "                    control=HOST:PORT metrics=HOST:PORT|off\n"
        "(bound ports, so a port 0 shows the one picked, on one line).\n"
        "SIGTERM or SIGINT drains (see --drain-timeout) and exits 0.\n"
        "\n"
        "Exit status: 0 after a signal or --help, 1 when a listener cannot start,\n"
        "2 for a bad option or variable.\n";
    return text;
}

}  // namespace concord::tracemanager
